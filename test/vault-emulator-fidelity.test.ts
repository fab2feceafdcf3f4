// Second round of Vault emulator conformance: each fixture names the real server's source of the
// answer it expects (a file of hashicorp/vault or hashicorp/vault-plugin-secrets-kv, or an API
// doc page), and sends the request over raw HTTP as a client would.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVaultEmulator, type VaultEmulator } from '../src/sandbox/vault/index.js';
import { raw, type RawOptions } from './support/vault-http.js';

let vault: VaultEmulator;
const asRoot = (method: string, path: string, options: RawOptions = {}) =>
  raw(vault.url, method, path, { token: vault.rootToken, ...options });

interface Fixture {
  /** What Vault answers, in a few words. */
  title: string;
  /** Where the real server decides it. */
  source: string;
  setup?: () => Promise<unknown>;
  request: () => Promise<{ status: number; body: unknown }>;
  status: number;
  body: unknown;
}

const multierror = (message: string) => `1 error occurred:\n\t* ${message}\n\n`;

const fixtures: Fixture[] = [
  {
    title: 'auth/token/lookup of an unknown token is 403 "bad token"',
    source: 'vault/token_store.go (handleLookup: ErrorResponse("bad token"), ErrPermissionDenied)',
    request: () => asRoot('POST', 'auth/token/lookup', { body: { token: 'hvs.no-such-token' } }),
    status: 403,
    body: { errors: ['bad token'] },
  },
  {
    title: 'rotate-root on an unknown connection is 500 with the backend error in a multierror',
    source: 'builtin/logical/database/backend.go (DatabaseConfig) + path_rotate_credentials.go',
    request: () => asRoot('POST', 'database/rotate-root/no-such-connection'),
    status: 500,
    body: { errors: [multierror('failed to find entry for connection with name: "no-such-connection"')] },
  },
  {
    title: 'PATCH without a Content-Type is 400 with mime.ParseMediaType error',
    source: 'http/logical.go (buildLogicalRequestNoAuth, case "PATCH")',
    setup: () => asRoot('POST', 'secret/data/fidelity/patch', { body: { data: { a: '1' } } }),
    request: () =>
      asRoot('PATCH', 'secret/data/fidelity/patch', { body: '{"data":{"a":"2"}}', contentType: '' }),
    status: 400,
    body: { errors: ['mime: no media type'] },
  },
  {
    title: 'a write to a path ending in "/" is 400',
    source: 'vault/request_handling.go (handleCancelableRequest)',
    request: () => asRoot('POST', 'secret/data/fidelity/dir/', { body: { data: { a: '1' } } }),
    status: 400,
    body: { errors: ["cannot write to a path ending in '/'"] },
  },
  {
    title: 'a write to a path ending in "/" is refused before the token is looked at',
    source: 'vault/request_handling.go (the check precedes PopulateTokenEntry)',
    request: () => raw(vault.url, 'POST', 'secret/data/fidelity/dir/', { body: { data: {} } }),
    status: 400,
    body: { errors: ["cannot write to a path ending in '/'"] },
  },
  {
    title: 'a body that is not JSON is 400 "error parsing JSON"',
    source: 'http/logical.go (parseJSONRequest error)',
    request: () => asRoot('POST', 'secret/data/fidelity/bad-json', { body: '{"data":' }),
    status: 400,
    body: { errors: ['error parsing JSON'] },
  },
  {
    title: 'an empty AppRole role list is 404 {"errors":[]}',
    source: 'sdk/logical/response_util.go (RespondErrorCommon: empty keys on a list is 404)',
    request: () => asRoot('GET', 'auth/approle/role?list=true'),
    status: 404,
    body: { errors: [] },
  },
  {
    title: 'an empty list is 404 on every mount (sys policies are never empty, transit keys can be)',
    source: 'sdk/logical/response_util.go (RespondErrorCommon)',
    request: () => asRoot('GET', 'transit/keys?list=true'),
    status: 404,
    body: { errors: [] },
  },
  {
    title: "KV delete without versions: the plugin's message",
    source: 'vault-plugin-secrets-kv path_delete.go (pathDeleteWrite)',
    request: () => asRoot('POST', 'secret/delete/fidelity/patch', { body: {} }),
    status: 400,
    body: { errors: ['No version number provided'] },
  },
  {
    title: "KV undelete without versions: the plugin's message",
    source: 'vault-plugin-secrets-kv path_delete.go (pathUndeleteWrite)',
    request: () => asRoot('POST', 'secret/undelete/fidelity/patch', { body: { versions: [] } }),
    status: 400,
    body: { errors: ['No version number provided'] },
  },
  {
    title: "KV destroy without versions: the plugin's (lower-case) message",
    source: 'vault-plugin-secrets-kv path_destroy.go',
    request: () => asRoot('POST', 'secret/destroy/fidelity/patch', { body: {} }),
    status: 400,
    body: { errors: ['no version number provided'] },
  },
  {
    title: 'unseal reset while unsealed is 400 "vault is unsealed"',
    source: 'http/sys_seal.go (handleSysUnseal, req.Reset)',
    request: () => raw(vault.url, 'PUT', 'sys/unseal', { body: { reset: true } }),
    status: 400,
    body: { errors: ['vault is unsealed'] },
  },
  {
    title: 'transit min_encryption_version above the latest version is refused',
    source: 'builtin/logical/transit/path_keys_config.go (pathKeysConfigWrite)',
    setup: () => asRoot('POST', 'transit/keys/fidelity-key', { body: {} }),
    request: () =>
      asRoot('POST', 'transit/keys/fidelity-key/config', { body: { min_encryption_version: 2 } }),
    status: 400,
    body: { errors: ['cannot set min encryption version of 2, latest key version is 1'] },
  },
  {
    title: 'transit: a min encryption version below the min decryption version is refused',
    source: 'builtin/logical/transit/path_keys_config.go (the pair check after each field)',
    setup: async () => {
      await asRoot('POST', 'transit/keys/fidelity-pair', { body: {} });
      await asRoot('POST', 'transit/keys/fidelity-pair/rotate');
      await asRoot('POST', 'transit/keys/fidelity-pair/rotate');
      return asRoot('POST', 'transit/keys/fidelity-pair/config', { body: { min_decryption_version: 3 } });
    },
    request: () =>
      asRoot('POST', 'transit/keys/fidelity-pair/config', { body: { min_encryption_version: 2 } }),
    status: 400,
    body: {
      errors: [
        'cannot set min encryption/decryption values; min encryption version of 2 must be greater than or equal to min decryption version of 3',
      ],
    },
  },
  {
    title: 'sys/internal/ui/mounts answers the mount and KV version the CLI preflight asks for',
    source:
      'vault/logical_system.go (pathInternalUIMountRead); command/kv_helpers.go (kvPreflightVersionRequest)',
    request: async () => {
      const res = await asRoot('GET', 'sys/internal/ui/mounts/secret/fidelity/patch');
      const d = res.body?.data ?? {};
      return { status: res.status, body: { path: d.path, type: d.type, options: d.options } };
    },
    status: 200,
    body: { path: 'secret/', type: 'kv', options: { version: '2' } },
  },
  {
    title: 'sys/internal/ui/mounts of an unknown mount is the same 403 as no access',
    source: 'vault/logical_system.go (pathInternalUIMountRead: errResp, ErrPermissionDenied)',
    request: () => asRoot('GET', 'sys/internal/ui/mounts/nowhere/x'),
    status: 403,
    body: {
      errors: [
        'preflight capability check returned 403, please ensure client\'s policies grant access to path "nowhere/x/"',
      ],
    },
  },
];

beforeAll(async () => {
  vault = await startVaultEmulator();
});
afterAll(() => vault.close());

describe('Vault emulator answers as the real server (fixtures cite the source)', () => {
  for (const f of fixtures) {
    it(`${f.title} — ${f.source}`, async () => {
      if (f.setup) await f.setup();
      const res = await f.request();
      expect({ status: res.status, body: res.body }).toEqual({ status: f.status, body: f.body });
    });
  }
});

describe('Vault emulator: answers that need their own server state', () => {
  it('unseal: a key shorter than 16 bytes is 400 and keeps the progress — vault/seal_manager.go (unsealFragment)', async () => {
    const v = await startVaultEmulator({ sealed: true, shares: 5, threshold: 3 });
    try {
      const unseal = (body: unknown) => raw(v.url, 'PUT', 'sys/unseal', { body });
      expect((await unseal({ key: v.unsealKeys[0] })).body.progress).toBe(1);
      const short = await unseal({ key: Buffer.alloc(8, 7).toString('base64') });
      expect([short.status, short.body]).toEqual([
        400,
        { errors: ['invalid key: key is shorter than minimum 16 bytes'] },
      ]);
      const long = await unseal({ key: Buffer.alloc(40, 7).toString('base64') });
      expect([long.status, long.body]).toEqual([
        400,
        { errors: ['invalid key: key is longer than maximum 33 bytes'] },
      ]);
      const status = await raw(v.url, 'GET', 'sys/seal-status');
      expect(status.body).toMatchObject({ sealed: true, progress: 1 });
      await unseal({ key: v.unsealKeys[1] });
      expect((await unseal({ key: v.unsealKeys[2] })).body).toMatchObject({ sealed: false, progress: 0 });
    } finally {
      await v.close();
    }
  });

  it('unseal: parts of different lengths fail the combine with 500 — shamir/shamir.go (Combine)', async () => {
    const v = await startVaultEmulator({ sealed: true, shares: 3, threshold: 2 });
    try {
      await raw(v.url, 'PUT', 'sys/unseal', { body: { key: v.unsealKeys[0] } });
      const res = await raw(v.url, 'PUT', 'sys/unseal', {
        body: { key: Buffer.alloc(20, 3).toString('base64') },
      });
      expect([res.status, res.body]).toEqual([
        500,
        {
          errors: [
            '1 error occurred:\n\t* failed to compute combined key: all parts must be the same length\n\n',
          ],
        },
      ]);
    } finally {
      await v.close();
    }
  });

  it("PKI: a TTL above the role max is capped, with Vault's warning — builtin/logical/pki/issuing/issue_common.go", async () => {
    const v = await startVaultEmulator();
    try {
      const call = (method: string, path: string, body?: unknown) =>
        raw(v.url, method, path, { token: v.rootToken, body });
      await call('POST', 'pki/root/generate/internal', { common_name: 'fidelity CA', ttl: '87600h' });
      await call('POST', 'pki/roles/web', {
        allowed_domains: 'example.test',
        allow_subdomains: true,
        max_ttl: '72h',
      });
      const res = await call('POST', 'pki/issue/web', { common_name: 'a.example.test', ttl: '768h' });
      expect(res.status).toBe(200);
      expect(res.body.warnings).toEqual([
        'TTL "768h0m0s" is longer than permitted maxTTL "72h0m0s", so maxTTL is being used',
      ]);
      const within = await call('POST', 'pki/issue/web', { common_name: 'b.example.test', ttl: '1h' });
      expect(within.body.warnings).toBeNull();
      const hours = (res.body.data.expiration * 1000 - Date.now()) / 3_600_000;
      expect(Math.round(hours)).toBe(72);
    } finally {
      await v.close();
    }
  });

  it('KV: undelete arms delete_version_after again from now — vault-plugin-secrets-kv path_delete.go (pathUndeleteWrite)', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const v = await startVaultEmulator({ now: () => now });
    try {
      const call = (method: string, path: string, body?: unknown) =>
        raw(v.url, method, path, { token: v.rootToken, body });
      await call('POST', 'secret/metadata/fidelity/dva', { delete_version_after: '1h' });
      await call('POST', 'secret/data/fidelity/dva', { data: { a: '1' } });
      now += 2 * 3_600_000; // past the first deletion time
      expect((await call('GET', 'secret/data/fidelity/dva')).status).toBe(404);
      expect((await call('POST', 'secret/undelete/fidelity/dva', { versions: [1] })).status).toBe(204);
      const back = await call('GET', 'secret/data/fidelity/dva');
      expect(back.status).toBe(200);
      expect(back.body.data.metadata.deletion_time).toBe('2026-01-01T03:00:00.000000000Z');
      now += 2 * 3_600_000;
      expect((await call('GET', 'secret/data/fidelity/dva')).status).toBe(404);
    } finally {
      await v.close();
    }
  });

  it('the LIST verb that hvac and hashi-vault-js send is a list — http/logical.go (case "LIST")', async () => {
    const v = await startVaultEmulator();
    try {
      await raw(v.url, 'POST', 'secret/data/fidelity/list/a', {
        token: v.rootToken,
        body: { data: { a: '1' } },
      });
      const res = await raw(v.url, 'LIST', 'secret/metadata/fidelity/list', { token: v.rootToken });
      expect([res.status, res.body.data]).toEqual([200, { keys: ['a'] }]);
      const denied = await raw(v.url, 'LIST', 'secret/metadata/fidelity/list');
      expect(denied.status).toBe(403);
      const empty = await raw(v.url, 'LIST', 'secret/metadata/fidelity/none', { token: v.rootToken });
      expect([empty.status, empty.body]).toEqual([404, { errors: [] }]);
    } finally {
      await v.close();
    }
  });
});

describe('the request shapes of the Vault CLI (command/kv_*.go over the Go api client)', () => {
  it('kv put, get, patch and list as the CLI sends them', async () => {
    const cli = (method: string, path: string, options: RawOptions = {}) =>
      raw(vault.url, method, path, {
        token: vault.rootToken,
        ...options,
        headers: { 'X-Vault-Request': 'true', ...options.headers },
      });
    const preflight = await cli('GET', 'sys/internal/ui/mounts/secret/cli/app');
    expect(preflight.body.data).toMatchObject({ path: 'secret/', options: { version: '2' } });
    const put = await cli('PUT', 'secret/data/cli/app', { body: { data: { user: 'app' }, options: {} } });
    expect([put.status, put.body.data.version]).toEqual([200, 1]);
    const patch = await cli('PATCH', 'secret/data/cli/app', {
      body: { data: { pass: 'x' }, options: {} },
      contentType: 'application/merge-patch+json',
    });
    expect([patch.status, patch.body.data.version]).toEqual([200, 2]);
    const get = await cli('GET', 'secret/data/cli/app');
    expect(get.body.data.data).toEqual({ user: 'app', pass: 'x' });
    const list = await cli('GET', 'secret/metadata/cli?list=true');
    expect(list.body.data).toEqual({ keys: ['app'] });
    const form = await cli('PUT', 'secret/config', {
      body: 'max_versions=7',
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(form.status).toBe(204);
    expect((await cli('GET', 'secret/config')).body.data.max_versions).toBe(7);
  });
});
