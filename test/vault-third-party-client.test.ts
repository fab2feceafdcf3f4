// A Vault client library no one at rotor wrote (hashi-vault-js, axios underneath) against the
// emulator: its request shapes (JSON bodies through axios, the LIST verb, AppRole login, KV v2
// check-and-set, delete and undelete) must work as they do against a real Vault, or the emulator
// only proves that it agrees with node-vault.
import Vault from 'hashi-vault-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVaultEmulator, type VaultEmulator } from '../src/sandbox/vault/index.js';

let emulator: VaultEmulator;
let client: Vault;

/** The status and Vault errors of a rejected call (hashi-vault-js rethrows axios errors). */
async function refusal(call: PromiseLike<unknown>): Promise<{ status: number; errors: unknown }> {
  try {
    await call;
  } catch (error) {
    const response = (error as { response?: { status: number; data?: { errors?: unknown } } }).response;
    if (response) return { status: response.status, errors: response.data?.errors };
    throw error;
  }
  throw new Error('the call was expected to fail and succeeded');
}

beforeAll(async () => {
  emulator = await startVaultEmulator();
  client = new Vault({ https: false, baseUrl: `${emulator.url}/v1`, rootPath: 'secret', timeout: 5000 });
});
afterAll(() => emulator.close());

describe('hashi-vault-js against the Vault emulator', () => {
  it('reads health and seal status', async () => {
    const health = (await client.healthCheck()) as { initialized: boolean; sealed: boolean };
    expect(health).toMatchObject({ initialized: true, sealed: false });
    const seal = (await client.sealStatus()) as { type: string; t: number; n: number };
    expect(seal).toMatchObject({ type: 'shamir', t: 3, n: 5 });
  });

  it('logs in with AppRole and uses the token it got', async () => {
    emulator.setPolicy('kv-writer', { 'secret/data/third-party/*': ['create', 'read', 'update'] });
    const { roleId, secretId } = emulator.createAppRole('third-party', { policies: ['kv-writer'] });
    const auth = (await (client.loginWithAppRole(roleId, secretId, 'auth/approle') as Promise<unknown>)) as {
      client_token: string;
      policies: string[];
    };
    expect(auth.policies).toContain('kv-writer');
    await client.createKVSecret(auth.client_token, 'third-party/app', { user: 'app' });
    const read = (await client.readKVSecret(auth.client_token, 'third-party/app')) as {
      data: Record<string, string>;
    };
    expect(read.data).toEqual({ user: 'app' });
    const denied = await refusal(client.readKVSecret(auth.client_token, 'elsewhere/app'));
    expect(denied).toEqual({ status: 403, errors: ['1 error occurred:\n\t* permission denied\n\n'] });
    const wrong = await refusal(
      client.loginWithAppRole(roleId, 'not-the-secret-id', 'auth/approle') as Promise<unknown>,
    );
    expect(wrong.status).toBe(400);
  });

  it('writes with check-and-set, lists with the LIST verb, deletes and undeletes', async () => {
    const root = emulator.rootToken;
    const created = (await client.createKVSecret(root, 'third-party/db', { password: 'one' })) as {
      version: number;
    };
    expect(created.version).toBe(1);
    const updated = (await client.updateKVSecret(root, 'third-party/db', { password: 'two' }, 1)) as {
      version: number;
    };
    expect(updated.version).toBe(2);
    const listed = (await client.listKVSecrets(root, 'third-party')) as { keys: string[] };
    expect(listed.keys.sort()).toEqual(['app', 'db']);
    await client.deleteLatestVerKVSecret(root, 'third-party/db');
    const gone = await refusal(client.readKVSecret(root, 'third-party/db'));
    expect(gone.status).toBe(404);
    await client.undeleteVersionsKVSecret(root, 'third-party/db', [2]);
    const back = (await client.readKVSecret(root, 'third-party/db')) as { data: Record<string, string> };
    expect(back.data).toEqual({ password: 'two' });
    const meta = (await client.readKVSecretMeta(root, 'third-party/db')) as { current_version: number };
    expect(meta.current_version).toBe(2);
  });

  it("gets Vault's own refusals: a bad token lookup, an unknown path list", async () => {
    const root = emulator.rootToken;
    expect(await refusal(client.lookupToken(root, 'hvs.not-a-token'))).toEqual({
      status: 403,
      errors: ['bad token'],
    });
    expect(await refusal(client.listKVSecrets(root, 'no-such-folder'))).toEqual({ status: 404, errors: [] });
  });
});
