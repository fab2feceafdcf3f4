import type { Secret } from '../engine/secret.js';

/** How rotor logs in to a node: a password for the default user, or an ACL user and password. */
export interface RedisAuth {
  username?: string;
  password?: Secret;
}

/** Per-call limits; aborting the signal closes the connection. */
export interface RedisCallOptions {
  timeoutMs: number;
  signal?: AbortSignal;
}

/** What INFO says about a node, readable even where CONFIG is disabled. */
export interface RedisNodeInfo {
  role: 'master' | 'replica';
  /** The file the server was started with; empty when none, so CONFIG REWRITE cannot work. */
  configFile: string;
}

/**
 * One authenticated connection to one node. Every error is a RotorError naming the node and the
 * command, with any password the server might echo removed.
 */
export interface RedisSession {
  /** `host:port`, for messages. */
  readonly where: string;
  info(): Promise<RedisNodeInfo>;
  /** CONFIG GET; null when the value is empty. Returned wrapped since both hold passwords. */
  getConfigSecret(name: 'requirepass' | 'masterauth'): Promise<Secret | null>;
  /** CONFIG SET; null sets the empty string (no password). */
  setConfigSecret(name: 'requirepass' | 'masterauth', value: Secret | null): Promise<void>;
  /** CONFIG GET aclfile; empty when users live in the config file. */
  aclFile(): Promise<string>;
  rewriteConfig(): Promise<void>;
  aclSave(): Promise<void>;
  /** The sha256 hex digests of the user's passwords (ACL GETUSER), null when there is no such user. */
  aclPasswordHashes(user: string): Promise<string[] | null>;
  /** ACL SETUSER user >password: adds one, keeps the others. */
  aclAddPassword(user: string, password: Secret): Promise<void>;
  /** ACL SETUSER user <password: removes one (an error if it is not set; check first). */
  aclRemovePassword(user: string, password: Secret): Promise<void>;
  /** Never throws. */
  close(): Promise<void>;
}

/** What redis actions need from a Redis client; implemented in src/adapters and by the sandbox. */
export interface RedisPort {
  /** Connects to `host:port` and authenticates; throws a RotorError naming the node when it cannot. */
  open(node: string, auth: RedisAuth, options: RedisCallOptions): Promise<RedisSession>;
  /** True when the node accepts the credential (AUTH then PING), false when it refuses it. */
  tryAuth(node: string, auth: RedisAuth, options: RedisCallOptions): Promise<boolean>;
}
