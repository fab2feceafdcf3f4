import { badRequest, multierror, VaultHttpError } from './envelope.js';
import {
  generateDatabasePassword,
  randomAlnum,
  type DatabaseAdmin,
  type DatabaseConnection,
} from './database-admin.js';
import type { Lease, LeaseBackend, LeaseStore } from './leases.js';

/** A `database/config/<name>` entry. The password is never answered on a read. */
export interface DbConfig extends DatabaseConnection {
  allowedRoles: string[];
  verifyConnection: boolean;
  rootRotationStatements: string[];
}

/** A static role: one existing database user whose password Vault owns and rotates. */
export interface StaticRole {
  dbName: string;
  username: string;
  rotationPeriod: number;
  rotationStatements: string[];
  password: string;
  lastRotation: number;
}

/** A dynamic role: users created per `creds/` request, dropped when their lease ends. */
export interface DynamicRole {
  dbName: string;
  creationStatements: string[];
  revocationStatements: string[];
  renewStatements: string[];
  defaultTtl: number;
  maxTtl: number;
}

/** The PostgreSQL plugin's default statements. */
const DEFAULTS = {
  rootRotation: ['ALTER ROLE "{{username}}" WITH PASSWORD \'{{password}}\';'],
  staticRotation: ['ALTER ROLE "{{name}}" WITH PASSWORD \'{{password}}\';'],
  revocation: ['DROP ROLE IF EXISTS "{{name}}";'],
  renew: ['ALTER ROLE "{{name}}" VALID UNTIL \'{{expiration}}\';'],
};

/** Vault's system default and maximum TTL (768h). */
export const SYSTEM_TTL = 2764800;

/** PostgreSQL's `VALID UNTIL` form, as the plugin formats `{{expiration}}`. */
function expiration(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, '+0000');
}

/** The database secrets engine's state and the operations that reach the real database. */
export class DatabaseEngine implements LeaseBackend {
  connections = new Map<string, DbConfig>();
  staticRoles = new Map<string, StaticRole>();
  roles = new Map<string, DynamicRole>();

  constructor(
    readonly leases: LeaseStore,
    private readonly admin: DatabaseAdmin | undefined,
    private readonly now: () => number,
  ) {}

  private db(): DatabaseAdmin {
    if (!this.admin)
      throw badRequest('error creating database object: no database driver is available in this emulator');
    return this.admin;
  }

  /** Runs statements, turning a database failure into Vault's 500 with the plugin's wording. */
  private async run(
    conn: DbConfig,
    statements: string[],
    values: Record<string, string>,
    what: string,
  ): Promise<void> {
    try {
      await this.db().execute(conn, statements, values);
    } catch (error) {
      if (error instanceof VaultHttpError) throw error;
      throw new VaultHttpError(500, [multierror([`${what}: ${(error as Error).message}`])]);
    }
  }

  connection(name: string): DbConfig {
    const conn = this.connections.get(name);
    // builtin/logical/database/backend.go DatabaseConfig returns a plain error, not an
    // ErrorResponse: the HTTP layer answers 500 with the core's multierror around it.
    if (!conn)
      throw new VaultHttpError(500, [
        multierror([`failed to find entry for connection with name: ${JSON.stringify(name)}`]),
      ]);
    return conn;
  }

  checkAllowed(conn: DbConfig, role: string): void {
    if (!conn.allowedRoles.includes('*') && !conn.allowedRoles.includes(role))
      throw badRequest(`"${role}" is not an allowed role`);
  }

  async configure(name: string, conn: DbConfig): Promise<void> {
    if (conn.verifyConnection) {
      try {
        await this.db().verify(conn);
      } catch (error) {
        if (error instanceof VaultHttpError) throw error;
        throw badRequest(
          `error creating database object: error verifying connection: ${(error as Error).message}`,
        );
      }
    }
    this.connections.set(name, conn);
  }

  /** `rotate-root`: a new password for the connection's own user; nobody can read it afterwards. */
  async rotateRoot(name: string): Promise<void> {
    const conn = this.connection(name);
    if (!conn.username) throw badRequest('unable to rotate root credentials: no username in configuration');
    const password = generateDatabasePassword();
    const statements = conn.rootRotationStatements.length
      ? conn.rootRotationStatements
      : DEFAULTS.rootRotation;
    await this.run(
      conn,
      statements,
      { name: conn.username, username: conn.username, password },
      'failed to update user',
    );
    conn.password = password;
  }

  /** Rotates a static role's password in the database, then records it. */
  async rotateStatic(name: string): Promise<void> {
    const role = this.staticRoles.get(name);
    if (!role) throw badRequest('no static role found for role name');
    const conn = this.connection(role.dbName);
    const password = generateDatabasePassword();
    const statements = role.rotationStatements.length ? role.rotationStatements : DEFAULTS.staticRotation;
    await this.run(
      conn,
      statements,
      { name: role.username, username: role.username, password },
      'error setting credentials',
    );
    role.password = password;
    role.lastRotation = this.now();
  }

  async setStaticRole(name: string, role: Omit<StaticRole, 'password' | 'lastRotation'>): Promise<void> {
    const conn = this.connection(role.dbName);
    this.checkAllowed(conn, name);
    const existing = this.staticRoles.get(name);
    if (existing && existing.username !== role.username)
      throw badRequest('cannot update static account username');
    this.staticRoles.set(name, {
      ...role,
      password: existing?.password ?? '',
      lastRotation: existing?.lastRotation ?? 0,
    });
    // Vault takes ownership of the account by rotating its password when the role is created.
    if (!existing) {
      try {
        await this.rotateStatic(name);
      } catch (error) {
        this.staticRoles.delete(name);
        throw error;
      }
    }
  }

  /** `creds/<role>`: creates a user with a lease. */
  async issueCredentials(roleName: string, displayName: string): Promise<{ lease: Lease; password: string }> {
    const role = this.roles.get(roleName);
    if (!role) throw badRequest(`unknown role: ${roleName}`);
    const conn = this.connection(role.dbName);
    this.checkAllowed(conn, roleName);
    const now = this.now();
    const ttl = Math.min(role.defaultTtl || SYSTEM_TTL, role.maxTtl || SYSTEM_TTL);
    const unix = Math.floor(now / 1000);
    const username = `v-${displayName.slice(0, 8)}-${roleName.slice(0, 8)}-${randomAlnum(20)}-${unix}`.slice(
      0,
      63,
    );
    const password = generateDatabasePassword();
    await this.run(
      conn,
      role.creationStatements,
      { name: username, username, password, expiration: expiration(now + ttl * 1000) },
      'failed to create user',
    );
    const lease: Lease = {
      id: `database/creds/${roleName}/${randomAlnum(24)}`,
      issueTime: now,
      expireTime: now + ttl * 1000,
      lastRenewal: 0,
      maxExpireTime: now + (role.maxTtl || SYSTEM_TTL) * 1000,
      ttl,
      renewable: true,
      role: roleName,
      username,
    };
    this.leases.add(lease);
    return { lease, password };
  }

  async renew(lease: Lease): Promise<void> {
    const role = this.roles.get(lease.role);
    if (!role) throw new Error(`role "${lease.role}" no longer exists`);
    const statements = role.renewStatements.length ? role.renewStatements : DEFAULTS.renew;
    await this.db().execute(this.connection(role.dbName), statements, {
      name: lease.username,
      username: lease.username,
      expiration: expiration(lease.expireTime),
    });
  }

  async revoke(lease: Lease): Promise<void> {
    const role = this.roles.get(lease.role);
    if (!role) return;
    const statements = role.revocationStatements.length ? role.revocationStatements : DEFAULTS.revocation;
    await this.db().execute(this.connection(role.dbName), statements, {
      name: lease.username,
      username: lease.username,
    });
  }

  /** Rotates static roles whose period has passed, as Vault's rotation queue does. */
  async rotateDue(): Promise<void> {
    for (const [name, role] of this.staticRoles) {
      if (role.lastRotation + role.rotationPeriod * 1000 <= this.now())
        await this.rotateStatic(name).catch(() => undefined);
    }
  }

  toJSON() {
    return {
      connections: Object.fromEntries(this.connections),
      staticRoles: Object.fromEntries(this.staticRoles),
      roles: Object.fromEntries(this.roles),
    };
  }

  load(saved: ReturnType<DatabaseEngine['toJSON']>): void {
    this.connections = new Map(Object.entries(saved.connections));
    this.staticRoles = new Map(Object.entries(saved.staticRoles));
    this.roles = new Map(Object.entries(saved.roles));
  }
}
