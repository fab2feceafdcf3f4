// Conformance of the Vault emulator with the "sys, auth, transit, database, leases" rows of
// /work/shared/vault-api-facts.md, over raw HTTP. The database engine here talks to a recording
// stand-in; test/vault-database-engine.test.ts runs it against a real PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVaultEmulator, type DatabaseAdmin, type VaultEmulator } from '../src/sandbox/vault/index.js';
import { ENVELOPE_KEYS, raw } from './support/vault-http.js';

const executed: Array<{ statements: readonly string[]; values: Readonly<Record<string, string>> }> = [];
const recordingAdmin: DatabaseAdmin = {
  verify: async () => undefined,
  execute: async (_conn, statements, values) => void executed.push({ statements, values }),
};

let vault: VaultEmulator;
const call = (method: string, path: string, options: Parameters<typeof raw>[3] = {}) =>
  raw(vault.url, method, path, { token: vault.rootToken, ...options });

beforeAll(async () => {
  vault = await startVaultEmulator({ databaseAdmin: recordingAdmin });
});
afterAll(() => vault.close());

const HEALTH_KEYS = [
  'initialized',
  'performance_standby',
  'replication_dr_mode',
  'replication_performance_mode',
  'sealed',
  'server_time_utc',
  'standby',
  'version',
];

describe('sys/health and the seal', () => {
  it('health needs no token: 200 active, 503 sealed, the body (not an envelope) with every status', async () => {
    const active = await raw(vault.url, 'GET', 'sys/health');
    expect(active.status).toBe(200);
    expect(Object.keys(active.body).sort()).toEqual([...HEALTH_KEYS, 'cluster_id', 'cluster_name'].sort());
    expect(active.body).toMatchObject({ initialized: true, sealed: false, standby: false });
    const sealed = await startVaultEmulator({ sealed: true });
    try {
      const res = await raw(sealed.url, 'GET', 'sys/health');
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ initialized: true, sealed: true });
      for (const key of HEALTH_KEYS) expect(res.body).toHaveProperty(key);
      expect((await raw(sealed.url, 'GET', 'sys/health?sealedcode=200')).status).toBe(200);
    } finally {
      await sealed.close();
    }
  });

  it('seal-status has every field', async () => {
    const res = await raw(vault.url, 'GET', 'sys/seal-status');
    expect(res.status).toBe(200);
    for (const key of [
      'type',
      'initialized',
      'sealed',
      't',
      'n',
      'progress',
      'nonce',
      'version',
      'build_date',
      'migration',
      'recovery_seal',
      'storage_type',
    ]) {
      expect(res.body).toHaveProperty(key);
    }
    expect(res.body).toMatchObject({ type: 'shamir', sealed: false, t: 3, n: 5, progress: 0 });
  });

  it('unseal counts shares to t, ignores a repeated share, resets on request, then unseals', async () => {
    const v = await startVaultEmulator({ sealed: true, shares: 5, threshold: 3 });
    try {
      const unseal = (body: unknown) => raw(v.url, 'PUT', 'sys/unseal', { body });
      const [k1, k2, k3] = v.unsealKeys;
      expect((await unseal({ key: k1 })).body).toMatchObject({ sealed: true, t: 3, n: 5, progress: 1 });
      expect((await unseal({ key: k1 })).body).toMatchObject({ sealed: true, progress: 1 });
      expect((await unseal({ reset: true })).body).toMatchObject({ sealed: true, progress: 0 });
      await unseal({ key: k1 });
      expect((await unseal({ key: k2 })).body.progress).toBe(2);
      const done = await unseal({ key: Buffer.from(k3, 'base64').toString('hex') });
      expect(done.status).toBe(200);
      expect(done.body).toMatchObject({ sealed: false, progress: 0 });
      expect((await raw(v.url, 'GET', 'secret/data/x', { token: v.rootToken })).status).toBe(404);
    } finally {
      await v.close();
    }
  });

  it('refuses a key that is neither hex nor base64 with 400', async () => {
    const v = await startVaultEmulator({ sealed: true });
    try {
      const res = await raw(v.url, 'PUT', 'sys/unseal', { body: { key: 'not a key!' } });
      expect([res.status, res.body]).toEqual([
        400,
        { errors: ["'key' must be a valid hex or base64 string"] },
      ]);
    } finally {
      await v.close();
    }
  });

  it('refuses t shares that do not recombine the root key', async () => {
    const v = await startVaultEmulator({ sealed: true, shares: 3, threshold: 2 });
    const other = await startVaultEmulator({ shares: 3, threshold: 2 });
    try {
      await raw(v.url, 'PUT', 'sys/unseal', { body: { key: v.unsealKeys[0] } });
      // A share of another Vault with a different x coordinate: it recombines into a wrong key.
      const x = (key: string) => Buffer.from(key, 'base64').at(-1);
      const foreign = other.unsealKeys.find((k) => x(k) !== x(v.unsealKeys[0]))!;
      const res = await raw(v.url, 'PUT', 'sys/unseal', { body: { key: foreign } });
      expect(res.status).toBe(400);
      expect((await raw(v.url, 'GET', 'sys/seal-status')).body).toMatchObject({ sealed: true, progress: 0 });
    } finally {
      await v.close();
      await other.close();
    }
  });

  it('answers 500 for two different shares with the same x coordinate, as shamir.Combine refuses them', async () => {
    const v = await startVaultEmulator({ sealed: true, shares: 3, threshold: 2 });
    try {
      const [k1] = v.unsealKeys;
      const twin = Buffer.from(k1, 'base64');
      twin[0] ^= 0xff; // same x (last byte), different y: not the same share, so it is not ignored
      await raw(v.url, 'PUT', 'sys/unseal', { body: { key: k1 } });
      const res = await raw(v.url, 'PUT', 'sys/unseal', { body: { key: twin.toString('base64') } });
      expect([res.status, res.body]).toEqual([
        500,
        { errors: ['1 error occurred:\n\t* failed to compute combined key: duplicate part detected\n\n'] },
      ]);
      expect((await raw(v.url, 'GET', 'sys/seal-status')).body).toMatchObject({ sealed: true, progress: 0 });
    } finally {
      await v.close();
    }
  });

  it('sys/seal needs a root (sudo) token', async () => {
    const v = await startVaultEmulator();
    try {
      const token = v.createToken({ policies: [] });
      expect((await raw(v.url, 'PUT', 'sys/seal', { token })).status).toBe(403);
      expect((await raw(v.url, 'PUT', 'sys/seal', { token: v.rootToken })).status).toBe(204);
      expect(v.isSealed()).toBe(true);
    } finally {
      await v.close();
    }
  });
});

describe('auth', () => {
  it("lookup-self answers the token's fields", async () => {
    const token = vault.createToken({ policies: ['reader'], ttl: 3600 });
    const res = await raw(vault.url, 'GET', 'auth/token/lookup-self', { token });
    expect(res.status).toBe(200);
    for (const key of [
      'accessor',
      'creation_time',
      'creation_ttl',
      'display_name',
      'expire_time',
      'id',
      'policies',
      'renewable',
      'ttl',
      'type',
    ]) {
      expect(res.body.data).toHaveProperty(key);
    }
    expect(res.body.data).toMatchObject({
      id: token,
      policies: ['default', 'reader'],
      creation_ttl: 3600,
      renewable: true,
      type: 'service',
    });
    expect(res.body.data.ttl).toBeGreaterThan(3590);
  });

  it('AppRole login answers an auth block; bad credentials 400 "invalid role or secret ID"', async () => {
    const { roleId, secretId } = vault.createAppRole('rotor', { policies: ['rotor-ops'], tokenTtl: 600 });
    const res = await raw(vault.url, 'POST', 'auth/approle/login', {
      body: { role_id: roleId, secret_id: secretId },
    });
    expect(res.status).toBe(200);
    expect(res.body.auth).toMatchObject({
      policies: ['default', 'rotor-ops'],
      token_policies: ['default', 'rotor-ops'],
      metadata: { role_name: 'rotor' },
      lease_duration: 600,
      renewable: true,
    });
    expect(typeof res.body.auth.client_token).toBe('string');
    expect(typeof res.body.auth.accessor).toBe('string');
    const bad = await raw(vault.url, 'POST', 'auth/approle/login', {
      body: { role_id: roleId, secret_id: 'wrong' },
    });
    expect([bad.status, bad.body]).toEqual([400, { errors: ['invalid role or secret ID'] }]);
  });
});

describe('transit', () => {
  it("reads a key's versions, 404 when missing", async () => {
    expect((await call('POST', 'transit/keys/session-state')).status).toBe(204);
    const res = await call('GET', 'transit/keys/session-state');
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      name: 'session-state',
      type: 'aes256-gcm96',
      latest_version: 1,
      min_decryption_version: 1,
      min_encryption_version: 0,
    });
    expect(Number.isInteger(res.body.data.keys['1'])).toBe(true);
    expect((await call('GET', 'transit/keys/missing')).status).toBe(404);
  });

  it('rotate answers 200 with latest_version + 1; a missing key 400 "key not found"', async () => {
    const res = await call('POST', 'transit/keys/session-state/rotate');
    expect(res.status).toBe(200);
    expect(res.body.data.latest_version).toBe(2);
    const missing = await call('POST', 'transit/keys/nope/rotate');
    expect([missing.status, missing.body]).toEqual([400, { errors: ['key not found'] }]);
  });

  it('ciphertext is vault:vN:…; decrypt gives the plaintext back; rewrap upgrades the version', async () => {
    const plaintext = Buffer.from('session secret').toString('base64');
    await call('POST', 'transit/keys/rewrap-me');
    const v1 = (await call('POST', 'transit/encrypt/rewrap-me', { body: { plaintext } })).body.data
      .ciphertext;
    expect(v1).toMatch(/^vault:v1:/);
    await call('POST', 'transit/keys/rewrap-me/rotate');
    const rewrapped = await call('POST', 'transit/rewrap/rewrap-me', { body: { ciphertext: v1 } });
    expect(rewrapped.body.data.ciphertext).toMatch(/^vault:v2:/);
    const decrypted = await call('POST', 'transit/decrypt/rewrap-me', {
      body: { ciphertext: rewrapped.body.data.ciphertext },
    });
    expect(decrypted.body.data.plaintext).toBe(plaintext);
  });
});

describe('database engine and leases', () => {
  beforeAll(async () => {
    await call('POST', 'database/config/harmonyflow', {
      body: {
        plugin_name: 'postgresql-database-plugin',
        connection_url: 'postgresql://{{username}}:{{password}}@127.0.0.1:1/postgres',
        username: 'vault',
        password: 'initial',
        allowed_roles: '*',
      },
    });
  });

  it('rotate-root answers 204 and the new root password is never readable', async () => {
    const res = await call('POST', 'database/rotate-root/harmonyflow');
    expect(res.status).toBe(204);
    const config = await call('GET', 'database/config/harmonyflow');
    expect(JSON.stringify(config.body)).not.toContain(executed.at(-1)!.values.password);
    expect(JSON.stringify(config.body)).not.toContain('initial');
    expect(config.body.data.connection_details).toEqual({
      connection_url: 'postgresql://{{username}}:{{password}}@127.0.0.1:1/postgres',
      username: 'vault',
    });
  });

  it('rotate-role answers 204; an unknown role 400 "no static role found for role name"', async () => {
    expect(
      (
        await call('POST', 'database/static-roles/app', {
          body: { db_name: 'harmonyflow', username: 'app', rotation_period: '24h' },
        })
      ).status,
    ).toBe(204);
    expect((await call('POST', 'database/rotate-role/app')).status).toBe(204);
    const unknown = await call('POST', 'database/rotate-role/nobody');
    expect([unknown.status, unknown.body]).toEqual([400, { errors: ['no static role found for role name'] }]);
  });

  it('static-creds answers username, password, last_vault_rotation, ttl, rotation_period', async () => {
    const res = await call('GET', 'database/static-creds/app');
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.data).sort()).toEqual([
      'last_vault_rotation',
      'password',
      'rotation_period',
      'ttl',
      'username',
    ]);
    expect(res.body.data).toMatchObject({ username: 'app', rotation_period: 86400 });
    expect(res.body.data.password).toBe(executed.at(-1)!.values.password);
  });

  it('renews a lease with top-level lease_id, renewable, lease_duration; unknown 400 "lease not found"', async () => {
    await call('POST', 'database/roles/readonly', {
      body: {
        db_name: 'harmonyflow',
        creation_statements: 'CREATE ROLE "{{name}}" LOGIN PASSWORD \'{{password}}\';',
        default_ttl: '1h',
        max_ttl: '24h',
      },
    });
    const creds = await call('GET', 'database/creds/readonly');
    expect(creds.status).toBe(200);
    expect(creds.body).toMatchObject({ renewable: true, lease_duration: 3600 });
    expect(creds.body.lease_id).toMatch(/^database\/creds\/readonly\//);
    const renewed = await call('PUT', 'sys/leases/renew', {
      body: { lease_id: creds.body.lease_id, increment: 7200 },
    });
    expect(renewed.status).toBe(200);
    expect(Object.keys(renewed.body).sort()).toEqual(ENVELOPE_KEYS);
    expect(renewed.body).toMatchObject({
      lease_id: creds.body.lease_id,
      renewable: true,
      lease_duration: 7200,
    });
    const unknown = await call('PUT', 'sys/leases/renew', {
      body: { lease_id: 'database/creds/readonly/nope' },
    });
    expect([unknown.status, unknown.body]).toEqual([400, { errors: ['lease not found'] }]);
    expect((await call('PUT', 'sys/leases/revoke', { body: { lease_id: creds.body.lease_id } })).status).toBe(
      204,
    );
    expect(executed.at(-1)!.statements.join(' ')).toContain('DROP ROLE');
  });
});
