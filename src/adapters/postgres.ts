import pg from 'pg';
import { RotorError } from '../errors.js';
import { Secret } from '../engine/secret.js';
import type { PostgresAdminSession, PostgresPort, PostgresTarget } from '../ports/postgres-port.js';
import { postgresLocation, type PostgresLocation } from '../ports/postgres-url.js';
import { pgError } from './postgres-errors.js';
import { scramVerifier } from './scram.js';

/** Opens a pg client; aborting the signal ends the connection. */
async function connect(connectionString: string, target: PostgresTarget): Promise<pg.Client> {
  const client = new pg.Client({
    connectionString,
    connectionTimeoutMillis: target.timeoutMs,
    query_timeout: target.timeoutMs,
    application_name: 'rotor',
  });
  // A dropped connection emits 'error' on the client; without a listener Node would crash.
  client.on('error', () => undefined);
  const onAbort = () => void client.end().catch(() => undefined);
  target.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await client.connect();
    return client;
  } catch (error) {
    target.signal?.removeEventListener('abort', onAbort);
    await client.end().catch(() => undefined);
    throw error;
  }
}

class PgAdminSession implements PostgresAdminSession {
  readonly where: string;

  constructor(
    private readonly client: pg.Client,
    private readonly location: PostgresLocation,
  ) {
    this.where = location.where;
  }

  private context(doing: string) {
    return { where: this.where, user: this.location.user, doing };
  }

  async verifier(role: string): Promise<Secret | null> {
    const doing = `reading the password verifier of role ${role}`;
    let rows: Array<{ rolpassword: string | null }>;
    try {
      ({ rows } = await this.client.query<{ rolpassword: string | null }>(
        'SELECT rolpassword FROM pg_authid WHERE rolname = $1',
        [role],
      ));
    } catch (error) {
      throw pgError(error, this.context(doing));
    }
    if (rows.length === 0) {
      throw new RotorError(`role ${role} does not exist on ${this.where}`, {
        hint: 'check the role name (\\du in psql lists roles); nothing was changed',
      });
    }
    const stored = rows[0].rolpassword;
    return stored === null ? null : new Secret(stored, `verifier of ${role}`);
  }

  async setPassword(role: string, password: Secret): Promise<void> {
    await this.alter(role, scramVerifier(password.reveal()), `setting a new password for role ${role}`);
  }

  async setVerifier(role: string, verifier: Secret | null): Promise<void> {
    await this.alter(
      role,
      verifier === null ? null : verifier.reveal(),
      `putting back the previous password of role ${role}`,
    );
  }

  // ALTER ROLE takes no bind parameters, so the identifier and literal are escaped by the client.
  private async alter(role: string, verifier: string | null, doing: string): Promise<void> {
    const literal = verifier === null ? 'NULL' : this.client.escapeLiteral(verifier);
    try {
      await this.client.query(`ALTER ROLE ${this.client.escapeIdentifier(role)} PASSWORD ${literal}`);
    } catch (error) {
      throw pgError(error, this.context(doing));
    }
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => undefined);
  }
}

/** The same URL with another user and password, for logging in as the role under test. */
function withCredential(url: Secret, role: string, password: Secret): string {
  const parsed = new URL(url.reveal());
  parsed.username = encodeURIComponent(role);
  parsed.password = encodeURIComponent(password.reveal());
  return parsed.toString();
}

/** PostgresPort over node-postgres. */
export const pgPostgres: PostgresPort = {
  async admin(target) {
    const location = postgresLocation(target.url);
    try {
      const client = await connect(target.url.reveal(), target);
      return new PgAdminSession(client, location);
    } catch (error) {
      throw pgError(error, {
        where: location.where,
        user: location.user,
        doing: 'connecting as the admin role',
      });
    }
  },

  async tryLogin(target, role, password) {
    const location = postgresLocation(target.url);
    let client: pg.Client;
    try {
      client = await connect(withCredential(target.url, role, password), target);
    } catch (error) {
      const code = (error as { code?: string }).code;
      // 28P01: wrong password; 28000: no such role or no pg_hba entry for it. Both mean "refused".
      if (code === '28P01' || code === '28000') return false;
      throw pgError(error, { where: location.where, user: role, doing: `logging in as ${role}` });
    }
    try {
      await client.query('SELECT 1');
      return true;
    } catch (error) {
      throw pgError(error, { where: location.where, user: role, doing: `running SELECT 1 as ${role}` });
    } finally {
      await client.end().catch(() => undefined);
    }
  },
};
