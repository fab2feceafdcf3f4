import { randomInt } from 'node:crypto';

/** A database connection as the database engine's plugin holds it. */
export interface DatabaseConnection {
  plugin: string;
  /** May hold `{{username}}` and `{{password}}`, filled in at connect time as Vault does. */
  connectionUrl: string;
  username: string;
  password: string;
}

/**
 * What the database engine needs from a real database server. Injected, so the emulator stays
 * free of client libraries; rotor's PostgreSQL implementation is src/adapters/postgres-admin.ts.
 */
export interface DatabaseAdmin {
  /** Connects with the connection's credentials and disconnects; throws when that fails. */
  verify(connection: DatabaseConnection): Promise<void>;
  /**
   * Runs the statements in one transaction, each split on `;`, with `{{name}}`, `{{username}}`,
   * `{{password}}` and `{{expiration}}` filled in from `values`.
   */
  execute(
    connection: DatabaseConnection,
    statements: readonly string[],
    values: Readonly<Record<string, string>>,
  ): Promise<void>;
}

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = LOWER.toUpperCase();
const DIGITS = '0123456789';
const ALL = `${LOWER}${UPPER}${DIGITS}-`;

/** A password under Vault's default database password policy: 20 characters, each class present. */
export function generateDatabasePassword(): string {
  const chars = [LOWER, UPPER, DIGITS, '-'].map((set) => set[randomInt(set.length)]);
  while (chars.length < 20) chars.push(ALL[randomInt(ALL.length)]);
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j], chars[i]];
  }
  return chars.join('');
}

/** Random alphanumerics, for dynamic usernames and lease ids. */
export function randomAlnum(length: number): string {
  const set = `${LOWER}${UPPER}${DIGITS}`;
  let out = '';
  for (let i = 0; i < length; i++) out += set[randomInt(set.length)];
  return out;
}
