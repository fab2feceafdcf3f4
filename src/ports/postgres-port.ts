import type { Secret } from '../engine/secret.js';

/** Where to connect. The URL may carry a credential, so it stays wrapped until the client call. */
export interface PostgresTarget {
  /** `postgres://user:password@host:port/database` */
  url: Secret;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** An open connection as a role allowed to ALTER ROLE (and to read pg_authid, for undo). */
export interface PostgresAdminSession {
  /** `host:port`, for messages. */
  readonly where: string;
  /**
   * The role's stored verifier (`SCRAM-SHA-256$…` or `md5…`), null when it has no password.
   * Throws a RotorError naming the role when it does not exist.
   */
  verifier(role: string): Promise<Secret | null>;
  /**
   * Gives the role a new password by sending a SCRAM-SHA-256 verifier computed on this side:
   * the statement, and so the server log, never holds the plaintext.
   */
  setPassword(role: string, password: Secret): Promise<void>;
  /** Puts a verifier read by `verifier()` back unchanged (undo); null removes the password. */
  setVerifier(role: string, verifier: Secret | null): Promise<void>;
  /** Never throws. */
  close(): Promise<void>;
}

/** What postgres actions need from a PostgreSQL client; implemented in src/adapters and by the sandbox. */
export interface PostgresPort {
  admin(target: PostgresTarget): Promise<PostgresAdminSession>;
  /**
   * Logs in as `role` with `password` at the target's host, port and database (the URL's own
   * credential is ignored). True when accepted, false when the password is refused; throws when
   * the server cannot be reached.
   */
  tryLogin(target: PostgresTarget, role: string, password: Secret): Promise<boolean>;
}
