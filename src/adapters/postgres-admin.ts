import pg from 'pg';
import type { DatabaseAdmin, DatabaseConnection } from '../ports/database-admin-port.js';
import { scrubPgMessage } from './postgres-errors.js';
import { scramVerifier } from './scram.js';

/**
 * The Vault emulator's database engine reaching a real PostgreSQL, as Vault's
 * postgresql-database-plugin does: connect with the connection URL's templated credentials, run
 * the role's statements in one transaction.
 *
 * One deliberate difference: wherever a statement sets `PASSWORD '{{password}}'`, a SCRAM-SHA-256
 * verifier is sent instead of the plaintext, so a server logging statements never records a
 * password a client could log in with. Other uses of `{{password}}` get the plaintext.
 */

/** Fills `{{username}}` and `{{password}}` in the connection URL, URL-escaped as Vault does. */
export function connectionString(conn: DatabaseConnection): string {
  return conn.connectionUrl.replace(/\{\{\s*(username|password)\s*\}\}/g, (_m, name: string) =>
    encodeURIComponent(name === 'username' ? conn.username : conn.password),
  );
}

/** Splits statements on `;` as Vault's dbutil does, dropping empty pieces. */
export function splitStatements(statements: readonly string[]): string[] {
  return statements
    .flatMap((s) => s.split(';'))
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** Fills the template names of one statement. */
export function fillStatement(statement: string, values: Readonly<Record<string, string>>): string {
  const withVerifier = statement.replace(
    /PASSWORD\s+'\{\{\s*password\s*\}\}'/gi,
    () => `PASSWORD '${scramVerifier(values.password ?? '')}'`,
  );
  return withVerifier.replace(/\{\{\s*(\w+)\s*\}\}/g, (match, name: string) => values[name] ?? match);
}

async function withClient<T>(conn: DatabaseConnection, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: connectionString(conn), connectionTimeoutMillis: 10_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await work(client);
  } catch (error) {
    const e = error as { code?: string; message?: string };
    // Errors carry no statement text and no credential: a scrubbed server message or a network code.
    throw new Error(
      e.code && /^[0-9A-Z]{5}$/.test(e.code)
        ? `${scrubPgMessage(e.message ?? '')} (SQLSTATE ${e.code})`
        : (e.code ?? scrubPgMessage(e.message ?? 'connection failed')),
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The DatabaseAdmin the emulator's database engine uses for `postgresql-database-plugin`. */
export const postgresAdmin: DatabaseAdmin = {
  verify: (conn) => withClient(conn, async (client) => void (await client.query('SELECT 1'))),
  execute: (conn, statements, values) =>
    withClient(conn, async (client) => {
      await client.query('BEGIN');
      try {
        for (const statement of splitStatements(statements))
          await client.query(fillStatement(statement, values));
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    }),
};
