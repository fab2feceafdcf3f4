// The emulator's database engine against a real PostgreSQL (a throwaway scram-sha-256 cluster):
// rotate-root and rotate-role really change passwords, and the old ones stop working.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVaultEmulator, type VaultEmulator } from '../src/sandbox/vault/index.js';
import { startPostgresCluster, type PostgresCluster } from './support/postgres-cluster.js';
import { raw } from './support/vault-http.js';

let cluster: PostgresCluster;
let vault: VaultEmulator;
const call = (method: string, path: string, body?: unknown) =>
  raw(vault.url, method, path, { token: vault.rootToken, body });

/** Logs in over TCP; returns the SQLSTATE of a refusal, or 'ok'. */
async function login(user: string, password: string): Promise<string> {
  const client = new pg.Client({ connectionString: cluster.url(user, password) });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return 'ok';
  } catch (error) {
    return (error as { code?: string }).code ?? 'error';
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function admin(sql: string): Promise<pg.QueryResult> {
  const client = new pg.Client({
    connectionString: cluster.url(cluster.superuser, cluster.superuserPassword),
  });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  cluster = await startPostgresCluster();
  await admin(`CREATE ROLE vault_root LOGIN CREATEROLE PASSWORD 'root-initial'`);
  await admin(`CREATE ROLE harmonyflow LOGIN PASSWORD 'app-initial'`);
  await admin(`GRANT harmonyflow TO vault_root WITH ADMIN OPTION`);
  vault = await startVaultEmulator();
  const config = await call('POST', 'database/config/harmonyflow', {
    plugin_name: 'postgresql-database-plugin',
    connection_url: `postgresql://{{username}}:{{password}}@127.0.0.1:${cluster.port}/postgres`,
    username: 'vault_root',
    password: 'root-initial',
    allowed_roles: 'harmonyflow,readonly',
  });
  expect(config.status).toBe(204);
}, 120_000);

afterAll(async () => {
  await vault?.close();
  await cluster?.close();
});

describe('database engine on a real PostgreSQL', () => {
  it('refuses a connection it cannot verify, naming no password', async () => {
    const res = await call('POST', 'database/config/broken', {
      plugin_name: 'postgresql-database-plugin',
      connection_url: `postgresql://{{username}}:{{password}}@127.0.0.1:${cluster.port}/postgres`,
      username: 'vault_root',
      password: 'wrong-password',
    });
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toContain('error creating database object');
    expect(res.text).not.toContain('wrong-password');
  });

  it("rotate-role: the static role's new password works and the old one stops working", async () => {
    expect(await login('harmonyflow', 'app-initial')).toBe('ok');
    const created = await call('POST', 'database/static-roles/harmonyflow', {
      db_name: 'harmonyflow',
      username: 'harmonyflow',
      rotation_period: '24h',
    });
    expect(created.status).toBe(204);
    const first = (await call('GET', 'database/static-creds/harmonyflow')).body.data;
    expect(await login('harmonyflow', 'app-initial')).toBe('28P01');
    expect(await login('harmonyflow', first.password)).toBe('ok');

    expect((await call('POST', 'database/rotate-role/harmonyflow')).status).toBe(204);
    const second = (await call('GET', 'database/static-creds/harmonyflow')).body.data;
    expect(second.password).not.toBe(first.password);
    expect(await login('harmonyflow', first.password)).toBe('28P01');
    expect(await login('harmonyflow', second.password)).toBe('ok');
  });

  it('rotate-root: the old root password stops working and the engine keeps working with the new one', async () => {
    expect(await login('vault_root', 'root-initial')).toBe('ok');
    expect((await call('POST', 'database/rotate-root/harmonyflow')).status).toBe(204);
    expect(await login('vault_root', 'root-initial')).toBe('28P01');
    const config = await call('GET', 'database/config/harmonyflow');
    expect(config.text).not.toContain('root-initial');
    expect((await call('POST', 'database/rotate-role/harmonyflow')).status).toBe(204);
    const creds = (await call('GET', 'database/static-creds/harmonyflow')).body.data;
    expect(await login('harmonyflow', creds.password)).toBe('ok');
  });

  it('dynamic creds: a user that logs in, dropped when its lease is revoked', async () => {
    await call('POST', 'database/roles/readonly', {
      db_name: 'harmonyflow',
      creation_statements: `CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';`,
      default_ttl: '1h',
    });
    const creds = await call('GET', 'database/creds/readonly');
    expect(creds.status).toBe(200);
    expect(await login(creds.body.data.username, creds.body.data.password)).toBe('ok');
    expect(
      (await call('PUT', 'sys/leases/renew', { lease_id: creds.body.lease_id, increment: 7200 })).body
        .lease_duration,
    ).toBe(7200);
    expect((await call('PUT', 'sys/leases/revoke', { lease_id: creds.body.lease_id })).status).toBe(204);
    const left = await admin(`SELECT 1 FROM pg_roles WHERE rolname = '${creds.body.data.username}'`);
    expect(left.rowCount).toBe(0);
  });

  it('never sends a plaintext password in a statement the server logs', async () => {
    const creds = (await call('GET', 'database/static-creds/harmonyflow')).body.data;
    const log = await cluster.readLog();
    expect(log).toContain('SCRAM-SHA-256$');
    expect(log).not.toContain(creds.password);
  });
});
