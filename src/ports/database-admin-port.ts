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
 * free of client libraries. rotor's PostgreSQL implementation is src/adapters/postgres-admin.ts;
 * the sandbox's stand-in is src/sandbox/standin-database-admin.ts.
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
