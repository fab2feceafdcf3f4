import type { PostgresPort } from '../ports/postgres-port.js';
import { RotorError } from '../errors.js';
import { Secret } from '../engine/secret.js';
import type { DatabaseAdmin, DatabaseConnection } from './vault/index.js';

const fill = (text: string, values: Readonly<Record<string, string>>) =>
  text.replace(/\{\{\s*(\w+)\s*\}\}/g, (_m, k: string) => values[k] ?? '');

/** The connection URL with Vault's `{{username}}`/`{{password}}` filled in, as the plugin connects. */
function target(connection: DatabaseConnection) {
  const url = fill(connection.connectionUrl, {
    username: encodeURIComponent(connection.username),
    password: encodeURIComponent(connection.password),
  });
  return { url: new Secret(url, 'database connection'), timeoutMs: 5000 };
}

const ALTER = /^\s*ALTER\s+(?:ROLE|USER)\s+"?([^"\s]+)"?\s+WITH\s+PASSWORD\s+'((?:[^']|'')*)'\s*$/i;

/**
 * Vault's database engine over the sandbox's PostgreSQL stand-in: it understands the password
 * statements Vault's PostgreSQL plugin runs by default (ALTER ROLE … WITH PASSWORD …).
 */
export function standinDatabaseAdmin(postgres: PostgresPort): DatabaseAdmin {
  return {
    async verify(connection) {
      const ok = await postgres.tryLogin(
        target(connection),
        connection.username,
        new Secret(connection.password),
      );
      if (!ok) throw new RotorError(`password authentication failed for user "${connection.username}"`);
    },
    async execute(connection, statements, values) {
      const session = await postgres.admin(target(connection));
      try {
        for (const statement of statements.flatMap((s) => s.split(';')).filter((s) => s.trim())) {
          const match = ALTER.exec(fill(statement, values));
          if (!match)
            throw new RotorError(
              `the sandbox database understands only ALTER ROLE … WITH PASSWORD statements`,
            );
          await session.setPassword(match[1], new Secret(match[2].replace(/''/g, "'")));
        }
      } finally {
        await session.close();
      }
    },
  };
}
