import { badRequest, noContent, notFound, ok } from './envelope.js';
import { boolField, durationSeconds, listField, rfc3339 } from './fields.js';
import type { DatabaseEngine } from './database-engine.js';
import { route, type Mount, type VaultRequest } from './routes.js';

const NAME = '(?<name>[^/]+)';

/** Statements as Vault accepts them: a string or a list of strings. */
function statements(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value.map(String).filter((s) => s.trim() !== '');
  return String(value).trim() === '' ? [] : [String(value)];
}

function list(keys: Iterable<string>) {
  const sorted = [...keys].sort();
  if (sorted.length === 0) throw notFound();
  return ok({ keys: sorted });
}

/** The database secrets engine at `database/`. */
export function databaseMount(engine: DatabaseEngine, now: () => number, changed: () => void): Mount {
  const after = async <T>(work: Promise<T>): Promise<T> => {
    const result = await work;
    changed();
    return result;
  };
  const writeConfig = async (req: VaultRequest, p: Record<string, string>) => {
    const b = req.body;
    const prev = engine.connections.get(p.name);
    const plugin = typeof b.plugin_name === 'string' ? b.plugin_name : prev?.plugin;
    if (!plugin) throw badRequest('empty plugin name');
    if (plugin !== 'postgresql-database-plugin')
      throw badRequest(`error creating database object: invalid database plugin name "${plugin}"`);
    await after(
      engine.configure(p.name, {
        plugin,
        connectionUrl: typeof b.connection_url === 'string' ? b.connection_url : (prev?.connectionUrl ?? ''),
        username: typeof b.username === 'string' ? b.username : (prev?.username ?? ''),
        password: typeof b.password === 'string' ? b.password : (prev?.password ?? ''),
        allowedRoles: listField(b.allowed_roles) ?? prev?.allowedRoles ?? [],
        verifyConnection: boolField(b.verify_connection, 'verify_connection') ?? true,
        rootRotationStatements: statements(b.root_rotation_statements) ?? prev?.rootRotationStatements ?? [],
      }),
    );
    return noContent();
  };
  const writeStatic = async (req: VaultRequest, p: Record<string, string>) => {
    const b = req.body;
    const prev = engine.staticRoles.get(p.name);
    const dbName = typeof b.db_name === 'string' ? b.db_name : prev?.dbName;
    if (!dbName) throw badRequest('database name is a required field');
    const username = typeof b.username === 'string' ? b.username : prev?.username;
    if (!username) throw badRequest('username is a required field to create a static account');
    const rotationPeriod = durationSeconds(b.rotation_period, 'rotation_period') ?? prev?.rotationPeriod;
    if (rotationPeriod === undefined)
      throw badRequest('rotation_period is required to create static accounts');
    if (rotationPeriod < 5) throw badRequest('rotation_period must be 5 seconds or more');
    await after(
      engine.setStaticRole(p.name, {
        dbName,
        username,
        rotationPeriod,
        rotationStatements: statements(b.rotation_statements) ?? prev?.rotationStatements ?? [],
      }),
    );
    return noContent();
  };
  const writeRole = (req: VaultRequest, p: Record<string, string>) => {
    const b = req.body;
    const prev = engine.roles.get(p.name);
    const dbName = typeof b.db_name === 'string' ? b.db_name : prev?.dbName;
    if (!dbName) throw badRequest('database name is required');
    const creationStatements = statements(b.creation_statements) ?? prev?.creationStatements ?? [];
    if (creationStatements.length === 0) throw badRequest('creation statements are required');
    engine.roles.set(p.name, {
      dbName,
      creationStatements,
      revocationStatements: statements(b.revocation_statements) ?? prev?.revocationStatements ?? [],
      renewStatements: statements(b.renew_statements) ?? prev?.renewStatements ?? [],
      defaultTtl: durationSeconds(b.default_ttl, 'default_ttl') ?? prev?.defaultTtl ?? 0,
      maxTtl: durationSeconds(b.max_ttl, 'max_ttl') ?? prev?.maxTtl ?? 0,
    });
    changed();
    return noContent();
  };
  return {
    path: 'database/',
    type: 'database',
    routes: [
      route('config/', { list: () => list(engine.connections.keys()) }),
      route(`config/${NAME}`, {
        read: (_req, p) => {
          const c = engine.connections.get(p.name);
          if (!c) throw notFound();
          return ok({
            allowed_roles: c.allowedRoles,
            connection_details: { connection_url: c.connectionUrl, username: c.username },
            password_policy: '',
            plugin_name: c.plugin,
            plugin_version: '',
            root_credentials_rotate_statements: c.rootRotationStatements,
            verify_connection: c.verifyConnection,
          });
        },
        update: writeConfig,
        delete: (_req, p) => (engine.connections.delete(p.name), changed(), noContent()),
      }),
      route(`rotate-root/${NAME}`, {
        update: async (_req, p) => (await after(engine.rotateRoot(p.name)), noContent()),
      }),
      route(`rotate-role/${NAME}`, {
        update: async (_req, p) => (await after(engine.rotateStatic(p.name)), noContent()),
      }),
      route('static-roles/', { list: () => list(engine.staticRoles.keys()) }),
      route(`static-roles/${NAME}`, {
        read: (_req, p) => {
          const r = engine.staticRoles.get(p.name);
          if (!r) throw notFound();
          return ok({
            credential_type: 'password',
            db_name: r.dbName,
            last_vault_rotation: rfc3339(r.lastRotation),
            rotation_period: r.rotationPeriod,
            rotation_statements: r.rotationStatements,
            username: r.username,
          });
        },
        update: writeStatic,
        delete: (_req, p) => (engine.staticRoles.delete(p.name), changed(), noContent()),
      }),
      route(`static-creds/${NAME}`, {
        read: (_req, p) => {
          const r = engine.staticRoles.get(p.name);
          if (!r) throw badRequest(`unknown role: ${p.name}`);
          const ttl = Math.max(0, Math.round((r.lastRotation + r.rotationPeriod * 1000 - now()) / 1000));
          return ok({
            last_vault_rotation: rfc3339(r.lastRotation),
            password: r.password,
            rotation_period: r.rotationPeriod,
            ttl,
            username: r.username,
          });
        },
      }),
      route('roles/', { list: () => list(engine.roles.keys()) }),
      route(`roles/${NAME}`, {
        read: (_req, p) => {
          const r = engine.roles.get(p.name);
          if (!r) throw notFound();
          return ok({
            creation_statements: r.creationStatements,
            db_name: r.dbName,
            default_ttl: r.defaultTtl,
            max_ttl: r.maxTtl,
            renew_statements: r.renewStatements,
            revocation_statements: r.revocationStatements,
          });
        },
        update: writeRole,
        delete: (_req, p) => (engine.roles.delete(p.name), changed(), noContent()),
      }),
      route(`creds/${NAME}`, {
        read: async (req, p) => {
          const display = (req.token?.displayName ?? 'token').replace(/[^a-zA-Z0-9-]/g, '-');
          const { lease, password } = await after(engine.issueCredentials(p.name, display));
          return ok(
            { password, username: lease.username },
            { lease_id: lease.id, renewable: true, lease_duration: lease.ttl },
          );
        },
      }),
    ],
  };
}
