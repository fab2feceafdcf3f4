import { RotorError } from '../../errors.js';
import { Secret } from '../../engine/secret.js';
import type { PostgresAdminSession, PostgresPort, PostgresTarget } from '../../ports/postgres-port.js';
import { postgresLocation } from '../../ports/postgres-url.js';
import { pgError } from '../../adapters/postgres-errors.js';
import { scramMatches, scramVerifier } from '../../adapters/scram.js';

/** How the sandbox's PostgreSQL looks: where it listens, its superuser, and its login roles. */
export interface PostgresStandinOptions {
  /** `host:port` it answers on; any other address is "connection refused". Default `postgres.sandbox:5432`. */
  where?: string;
  superuser: string;
  superuserPassword: string;
  /** Login roles and their initial passwords. */
  roles?: Record<string, string>;
}

/**
 * An in-process PostgreSQL for `--env sandbox`: roles hold SCRAM-SHA-256 verifiers (never a
 * plaintext), logins are checked against them as the server does, and `log` records every
 * statement as `log_statement = 'all'` would. Errors are the adapter's, word for word.
 */
export class PostgresStandin implements PostgresPort {
  readonly label = 'sandbox stand-in';
  /** Statements as a server logging everything would record them. */
  readonly log: string[] = [];
  /** While true the server refuses connections, as a stopped server does. */
  down = false;
  readonly where: string;
  readonly #verifiers = new Map<string, string | null>();
  readonly #superuser: string;

  constructor(options: PostgresStandinOptions) {
    this.where = options.where ?? 'postgres.sandbox:5432';
    this.#superuser = options.superuser;
    this.#verifiers.set(options.superuser, scramVerifier(options.superuserPassword));
    for (const [role, password] of Object.entries(options.roles ?? {}))
      this.#verifiers.set(role, scramVerifier(password));
  }

  /** Whether `role` would log in with `password` now (for the sandbox's own checks and tests). */
  accepts(role: string, password: string): boolean {
    const verifier = this.#verifiers.get(role);
    return typeof verifier === 'string' && scramMatches(verifier, password);
  }

  /** Checks the address and the credential as a connection attempt would; returns the location. */
  #connect(target: PostgresTarget, user: string, password: string, doing: string) {
    const location = postgresLocation(target.url);
    if (this.down || location.where !== this.where)
      throw pgError({ code: 'ECONNREFUSED' }, { where: location.where, user, doing });
    if (!this.accepts(user, password))
      throw pgError({ code: '28P01' }, { where: location.where, user, doing });
    return location;
  }

  async admin(target: PostgresTarget): Promise<PostgresAdminSession> {
    const url = new URL(target.url.reveal());
    const location = this.#connect(
      target,
      decodeURIComponent(url.username),
      decodeURIComponent(url.password),
      'connecting as the admin role',
    );
    if (location.user !== this.#superuser) {
      throw pgError(
        { code: '42501' },
        { where: location.where, user: location.user, doing: 'reading pg_authid' },
      );
    }
    const verifiers = this.#verifiers;
    const log = this.log;
    // The handlers below are pg-protocol callbacks with their own `this`.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const standin = this;
    const exists = (role: string) => {
      if (!verifiers.has(role))
        throw new RotorError(`role ${role} does not exist on ${location.where}`, {
          hint: 'check the role name (\\du in psql lists roles); nothing was changed',
        });
    };
    const alter = (role: string, verifier: string | null) => {
      if (standin.down)
        throw pgError(
          { code: 'ECONNRESET' },
          { where: location.where, user: location.user, doing: `altering role ${role}` },
        );
      exists(role);
      log.push(`statement: ALTER ROLE "${role}" PASSWORD ${verifier === null ? 'NULL' : `'${verifier}'`}`);
      verifiers.set(role, verifier);
    };
    return {
      where: location.where,
      async verifier(role) {
        exists(role);
        const stored = verifiers.get(role) ?? null;
        return stored === null ? null : new Secret(stored, `verifier of ${role}`);
      },
      async setPassword(role, password) {
        alter(role, scramVerifier(password.reveal()));
      },
      async setVerifier(role, verifier) {
        alter(role, verifier === null ? null : verifier.reveal());
      },
      async close() {},
    };
  }

  async tryLogin(target: PostgresTarget, role: string, password: Secret): Promise<boolean> {
    try {
      this.#connect(target, role, password.reveal(), `logging in as ${role}`);
      return true;
    } catch (error) {
      if (error instanceof RotorError && /refused the login/.test(error.message)) return false;
      throw error;
    }
  }
}
