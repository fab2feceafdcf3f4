// Conformance of the Vault emulator with /work/shared/vault-api-facts.md ("shared conventions"
// and "KV v2"), over raw HTTP: status codes and bodies exactly as the real server answers them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVaultEmulator, type VaultEmulator } from '../src/sandbox/vault/index.js';
import { ENVELOPE_KEYS, INVALID_TOKEN_BODY, PERMISSION_DENIED_BODY, raw } from './support/vault-http.js';

let vault: VaultEmulator;
let root: string;
const call = (method: string, path: string, options: Parameters<typeof raw>[3] = {}) =>
  raw(vault.url, method, path, { token: root, ...options });

beforeAll(async () => {
  vault = await startVaultEmulator();
  root = vault.rootToken;
});
afterAll(() => vault.close());

describe('shared conventions', () => {
  it('takes the token from X-Vault-Token or Authorization: Bearer, and records X-Vault-Namespace', async () => {
    const viaHeader = await call('GET', 'auth/token/lookup-self');
    const viaBearer = await raw(vault.url, 'GET', 'auth/token/lookup-self', {
      headers: { Authorization: `Bearer ${root}`, 'X-Vault-Namespace': 'team-a' },
    });
    expect(viaHeader.status).toBe(200);
    expect(viaBearer.status).toBe(200);
    expect(viaBearer.body.data.id).toBe(root);
    expect(vault.namespacesSeen.has('team-a')).toBe(true);
  });

  it('treats PUT and POST alike, and GET ?list=true as LIST', async () => {
    const put = await call('PUT', 'secret/data/verbs/a', { body: { data: { k: 'v' } } });
    const post = await call('POST', 'secret/data/verbs/a', { body: { data: { k: 'w' } } });
    expect([put.status, put.body.data.version, post.status, post.body.data.version]).toEqual([
      200, 1, 200, 2,
    ]);
    const list = await call('GET', 'secret/metadata/verbs?list=true');
    expect(list.status).toBe(200);
    expect(list.body.data).toEqual({ keys: ['a'] });
    expect((await call('GET', 'secret/metadata/verbs?list=1')).body.data).toEqual({ keys: ['a'] });
  });

  it('answers the LIST verb as a list, and closes that connection after', async () => {
    const res = await raw(vault.url, 'LIST', 'secret/metadata/verbs', { token: root });
    expect([res.status, res.body.data]).toEqual([200, { keys: ['a'] }]);
  });

  it('answers success with the exact envelope, or 204 with no body', async () => {
    const res = await call('GET', 'secret/data/verbs/a');
    expect(Object.keys(res.body).sort()).toEqual(ENVELOPE_KEYS);
    expect(res.body).toMatchObject({
      lease_id: '',
      renewable: false,
      lease_duration: 0,
      wrap_info: null,
      warnings: null,
      auth: null,
    });
    expect(typeof res.body.request_id).toBe('string');
    const del = await call('DELETE', 'secret/data/verbs/a');
    expect(del.status).toBe(204);
    expect(del.text).toBe('');
  });

  it('answers a plain not-found with 404 {"errors":[]}', async () => {
    const res = await call('GET', 'secret/data/never/written');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ errors: [] });
  });

  it('answers a bad or missing token with 403 "permission denied, invalid token"', async () => {
    for (const token of [undefined, 'hvs.not-a-token']) {
      const res = await raw(vault.url, 'GET', 'secret/data/x', { token });
      expect(res.status).toBe(403);
      expect(res.body).toEqual(INVALID_TOKEN_BODY);
    }
  });

  it('answers a policy denial with 403 "permission denied"', async () => {
    vault.setPolicy('reader', { 'secret/data/team/*': ['read'] });
    const token = vault.createToken({ policies: ['reader'] });
    await call('POST', 'secret/data/team/db', { body: { data: { p: '1' } } });
    expect((await raw(vault.url, 'GET', 'secret/data/team/db', { token })).status).toBe(200);
    const denied = await raw(vault.url, 'POST', 'secret/data/team/db', { token, body: { data: { p: '2' } } });
    expect(denied.status).toBe(403);
    expect(denied.body).toEqual(PERMISSION_DENIED_BODY);
  });

  it('needs "create" (not "update") to write a new secret', async () => {
    vault.setPolicy('updater', { 'secret/data/upd/*': ['update', 'read'] });
    const token = vault.createToken({ policies: ['updater'] });
    expect(
      (await raw(vault.url, 'POST', 'secret/data/upd/new', { token, body: { data: { a: '1' } } })).status,
    ).toBe(403);
    await call('POST', 'secret/data/upd/new', { body: { data: { a: '1' } } });
    expect(
      (await raw(vault.url, 'POST', 'secret/data/upd/new', { token, body: { data: { a: '2' } } })).status,
    ).toBe(200);
  });

  it('answers 503 "Vault is sealed" to every non-sys request while sealed', async () => {
    const sealer = await startVaultEmulator({ sealed: true });
    try {
      const res = await raw(sealer.url, 'GET', 'secret/data/x', { token: sealer.rootToken });
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ errors: ['Vault is sealed'] });
      expect((await raw(sealer.url, 'GET', 'transit/keys/k', { token: 'whatever' })).status).toBe(503);
    } finally {
      await sealer.close();
    }
  });

  it('answers an unknown mount with 404 "no handler for route"', async () => {
    const res = await call('GET', 'nosuch/thing');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ errors: ['no handler for route "nosuch/thing". route entry not found.'] });
  });
});

describe('KV v2', () => {
  it('reads the latest or a given version with data and metadata', async () => {
    await call('POST', 'secret/data/app/redis', { body: { data: { password: 'one' } } });
    await call('POST', 'secret/data/app/redis', { body: { data: { password: 'two' } } });
    const latest = await call('GET', 'secret/data/app/redis');
    expect(latest.status).toBe(200);
    expect(latest.body.data.data).toEqual({ password: 'two' });
    expect(Object.keys(latest.body.data.metadata).sort()).toEqual([
      'created_time',
      'custom_metadata',
      'deletion_time',
      'destroyed',
      'version',
    ]);
    expect(latest.body.data.metadata).toMatchObject({
      custom_metadata: null,
      deletion_time: '',
      destroyed: false,
      version: 2,
    });
    expect(latest.body.data.metadata.created_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
    const first = await call('GET', 'secret/data/app/redis?version=1');
    expect(first.body.data.data).toEqual({ password: 'one' });
    expect(first.body.data.metadata.version).toBe(1);
  });

  it("answers a write with the new version's metadata", async () => {
    const res = await call('POST', 'secret/data/app/write', { body: { data: { a: 'b' } } });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.data).sort()).toEqual([
      'created_time',
      'custom_metadata',
      'deletion_time',
      'destroyed',
      'version',
    ]);
    expect(res.body.data.version).toBe(1);
  });

  it('patches only with application/merge-patch+json, where null deletes a key', async () => {
    await call('POST', 'secret/data/app/patch', { body: { data: { a: '1', b: '2' } } });
    const wrong = await call('PATCH', 'secret/data/app/patch', {
      body: { data: { a: '3' } },
      contentType: 'application/json',
    });
    expect(wrong.status).toBe(415);
    expect(wrong.body).toEqual({
      errors: ['PATCH requires Content-Type of application/merge-patch+json, provided application/json'],
    });
    const patched = await call('PATCH', 'secret/data/app/patch', {
      body: { data: { a: '3', b: null } },
      contentType: 'application/merge-patch+json',
    });
    expect(patched.status).toBe(200);
    expect(patched.body.data.version).toBe(2);
    expect((await call('GET', 'secret/data/app/patch')).body.data.data).toEqual({ a: '3' });
  });

  it('soft-deletes, undeletes and destroys with 204', async () => {
    await call('POST', 'secret/data/app/del', { body: { data: { v: '1' } } });
    await call('POST', 'secret/data/app/del', { body: { data: { v: '2' } } });
    expect((await call('DELETE', 'secret/data/app/del')).status).toBe(204);
    expect((await call('GET', 'secret/data/app/del')).status).toBe(404);
    expect((await call('POST', 'secret/undelete/app/del', { body: { versions: [2] } })).status).toBe(204);
    expect((await call('GET', 'secret/data/app/del')).body.data.data).toEqual({ v: '2' });
    expect((await call('POST', 'secret/delete/app/del', { body: { versions: [1] } })).status).toBe(204);
    expect((await call('POST', 'secret/destroy/app/del', { body: { versions: [2] } })).status).toBe(204);
    const meta = await call('GET', 'secret/metadata/app/del');
    expect(meta.body.data.versions['1'].deletion_time).not.toBe('');
    expect(meta.body.data.versions['2'].destroyed).toBe(true);
  });

  it('lists keys and folders, 404 when nothing is there', async () => {
    await call('POST', 'secret/data/tree/a', { body: { data: { x: '1' } } });
    await call('POST', 'secret/data/tree/dir/b', { body: { data: { x: '1' } } });
    const res = await call('GET', 'secret/metadata/tree?list=true');
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ keys: ['a', 'dir/'] });
    const empty = await call('GET', 'secret/metadata/nothing-here?list=true');
    expect(empty.status).toBe(404);
    expect(empty.body).toEqual({ errors: [] });
  });

  it('reads metadata with every field', async () => {
    await call('POST', 'secret/data/app/meta', { body: { data: { x: '1' } } });
    const res = await call('GET', 'secret/metadata/app/meta');
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.data).sort()).toEqual([
      'cas_required',
      'created_time',
      'current_version',
      'custom_metadata',
      'delete_version_after',
      'max_versions',
      'oldest_version',
      'updated_time',
      'versions',
    ]);
    expect(res.body.data).toMatchObject({
      cas_required: false,
      current_version: 1,
      delete_version_after: '0s',
      max_versions: 0,
      oldest_version: 0,
      custom_metadata: null,
    });
    expect(Object.keys(res.body.data.versions['1']).sort()).toEqual([
      'created_time',
      'deletion_time',
      'destroyed',
    ]);
  });

  it('replaces custom_metadata on POST and merge-patches it on PATCH', async () => {
    await call('POST', 'secret/data/app/cm', { body: { data: { x: '1' } } });
    expect(
      (
        await call('POST', 'secret/metadata/app/cm', {
          body: { custom_metadata: { owner: 'ops', team: 'core' } },
        })
      ).status,
    ).toBe(204);
    expect(
      (await call('POST', 'secret/metadata/app/cm', { body: { custom_metadata: { owner: 'sre' } } })).status,
    ).toBe(204);
    expect((await call('GET', 'secret/metadata/app/cm')).body.data.custom_metadata).toEqual({ owner: 'sre' });
    const patched = await call('PATCH', 'secret/metadata/app/cm', {
      body: { custom_metadata: { owner: null, rotated: 'yes' } },
      contentType: 'application/merge-patch+json',
    });
    expect(patched.status).toBe(204);
    expect((await call('GET', 'secret/metadata/app/cm')).body.data.custom_metadata).toEqual({
      rotated: 'yes',
    });
  });

  it('keeps max_versions versions, advances oldest_version and reads a trimmed one as 404 {"errors":[]}', async () => {
    await call('POST', 'secret/metadata/app/trim', { body: { max_versions: 2 } });
    for (let i = 1; i <= 4; i++)
      await call('POST', 'secret/data/app/trim', { body: { data: { i: String(i) } } });
    const meta = await call('GET', 'secret/metadata/app/trim');
    expect(Object.keys(meta.body.data.versions).sort()).toEqual(['3', '4']);
    expect(meta.body.data.oldest_version).toBe(3);
    const trimmed = await call('GET', 'secret/data/app/trim?version=1');
    expect(trimmed.status).toBe(404);
    expect(trimmed.body).toEqual({ errors: [] });
  });

  it('keeps 10 versions when neither the key nor the engine sets max_versions', async () => {
    for (let i = 1; i <= 12; i++)
      await call('POST', 'secret/data/app/ten', { body: { data: { i: String(i) } } });
    const meta = await call('GET', 'secret/metadata/app/ten');
    expect(Object.keys(meta.body.data.versions)).toHaveLength(10);
    expect(meta.body.data.oldest_version).toBe(3);
  });
});

describe('KV v2 edge cases', () => {
  it('404 {"errors":[]} for a version that never existed', async () => {
    await call('POST', 'secret/data/edge/v', { body: { data: { a: '1' } } });
    const res = await call('GET', 'secret/data/edge/v?version=9');
    expect([res.status, res.body]).toEqual([404, { errors: [] }]);
  });

  it('404 with the full envelope, data.data null and no errors key, for a deleted or destroyed version', async () => {
    await call('POST', 'secret/data/edge/gone', { body: { data: { a: '1' } } });
    await call('POST', 'secret/data/edge/gone', { body: { data: { a: '2' } } });
    await call('DELETE', 'secret/data/edge/gone');
    await call('POST', 'secret/destroy/edge/gone', { body: { versions: [1] } });
    for (const version of ['', '?version=1']) {
      const res = await call('GET', `secret/data/edge/gone${version}`);
      expect(res.status).toBe(404);
      expect(Object.keys(res.body).sort()).toEqual(ENVELOPE_KEYS);
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data.data).toBeNull();
      expect(res.body.data.metadata.version).toBe(version ? 1 : 2);
    }
    expect((await call('GET', 'secret/data/edge/gone')).body.data.metadata.deletion_time).not.toBe('');
    expect((await call('GET', 'secret/data/edge/gone?version=1')).body.data.metadata.destroyed).toBe(true);
  });

  it('400 on a cas mismatch, cas≠0 on a new key and cas:0 on an existing one', async () => {
    const mismatch = { errors: ['check-and-set parameter did not match the current version'] };
    const fresh = await call('POST', 'secret/data/edge/cas', {
      body: { data: { a: '1' }, options: { cas: 3 } },
    });
    expect([fresh.status, fresh.body]).toEqual([400, mismatch]);
    expect(
      (await call('POST', 'secret/data/edge/cas', { body: { data: { a: '1' }, options: { cas: 0 } } }))
        .status,
    ).toBe(200);
    const zero = await call('POST', 'secret/data/edge/cas', {
      body: { data: { a: '2' }, options: { cas: 0 } },
    });
    expect([zero.status, zero.body]).toEqual([400, mismatch]);
    const stale = await call('PATCH', 'secret/data/edge/cas', {
      body: { data: { a: '2' }, options: { cas: 7 } },
      contentType: 'application/merge-patch+json',
    });
    expect([stale.status, stale.body]).toEqual([400, mismatch]);
    expect(
      (await call('POST', 'secret/data/edge/cas', { body: { data: { a: '2' }, options: { cas: 1 } } })).body
        .data.version,
    ).toBe(2);
  });

  it('400 when cas is required but absent', async () => {
    await call('POST', 'secret/metadata/edge/casreq', { body: { cas_required: true } });
    const res = await call('POST', 'secret/data/edge/casreq', { body: { data: { a: '1' } } });
    expect([res.status, res.body]).toEqual([
      400,
      { errors: ['check-and-set parameter required for this call'] },
    ]);
  });

  it('400 "no data provided" for a write without data', async () => {
    const res = await call('POST', 'secret/data/edge/nodata', { body: { options: {} } });
    expect([res.status, res.body]).toEqual([400, { errors: ['no data provided'] }]);
  });

  it('415 naming the provided type for a PATCH with another Content-Type', async () => {
    const res = await call('PATCH', 'secret/data/edge/v', {
      body: { data: { a: '1' } },
      contentType: 'text/plain',
    });
    expect([res.status, res.body]).toEqual([
      415,
      { errors: ['PATCH requires Content-Type of application/merge-patch+json, provided text/plain'] },
    ]);
  });

  it('404 with an empty body for a PATCH of a path never written', async () => {
    const res = await call('PATCH', 'secret/data/edge/never', {
      body: { data: { a: '1' } },
      contentType: 'application/merge-patch+json',
    });
    expect(res.status).toBe(404);
    expect(res.text).toBe('');
  });

  it('400 "custom_metadata validation failed" past 64 keys, 128-char keys or 512-char values', async () => {
    const many = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, 'v']));
    for (const custom_metadata of [many, { ['k'.repeat(129)]: 'v' }, { k: 'v'.repeat(513) }]) {
      const res = await call('POST', 'secret/metadata/edge/cmv', { body: { custom_metadata } });
      expect(res.status).toBe(400);
      expect(res.body.errors[0]).toContain('custom_metadata validation failed: ');
    }
  });
});
