// The stores' fast read path: plain GETs that answer like the node-vault adapter, and hand
// everything else to it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isVaultError, type VaultPort } from '../src/ports/vault-port.js';
import { createVaultPort, vaultConfigFromEnv } from '../src/adapters/vault.js';
import { storeVault } from '../src/adapters/vault-store-reads.js';
import { startVaultEmulator, type VaultEmulator } from '../src/sandbox/vault/index.js';

let vault: VaultEmulator;
const home = mkdtempSync(join(tmpdir(), 'rotor-kv-read-'));

beforeAll(async () => {
  vault = await startVaultEmulator();
  vault.kvWrite('rotor/policies/00', { encoding: 'gzip+base64', count: '0', entries: 'x' });
});
afterAll(async () => {
  await vault?.close();
  rmSync(home, { recursive: true, force: true });
});

function open(env: Record<string, string>) {
  const config = vaultConfigFromEnv({ VAULT_ADDR: vault.url, ...env }, home, { renewToken: false });
  let loads = 0;
  const adapters: VaultPort[] = [];
  const store = storeVault(config, async () => {
    loads++;
    const port = await createVaultPort(config);
    adapters.push(port);
    return port;
  });
  return { store, loads: () => loads };
}

describe("the stores' Vault reads", () => {
  it('reads and finds nothing without loading the adapter, as the adapter would answer', async () => {
    const { store, loads } = open({ VAULT_TOKEN: vault.rootToken, VAULT_NAMESPACE: 'team-a' });
    const read = await store.kvRead({ mount: 'secret', path: 'rotor/policies/00' });
    const reference = await createVaultPort(
      vaultConfigFromEnv({ VAULT_ADDR: vault.url, VAULT_TOKEN: vault.rootToken }, home, {
        renewToken: false,
      }),
    );
    expect(read).toEqual(await reference.kvRead({ mount: 'secret', path: 'rotor/policies/00' }));
    reference.close();
    const missing = await store
      .kvRead({ mount: 'secret', path: 'rotor/policies/01' })
      .catch((e: unknown) => e);
    expect(isVaultError(missing, 'not-found')).toBe(true);
    expect(loads()).toBe(0);
    expect(vault.namespacesSeen.has('team-a')).toBe(true);
    await store.close();
  });

  it('writes through the adapter, and leaves refusals to it so they keep its words', async () => {
    const { store, loads } = open({ VAULT_TOKEN: vault.rootToken });
    await store.kvWrite({ mount: 'secret', path: 'rotor/status/00' }, { count: '1' }, { cas: 0 });
    expect(loads()).toBe(1);
    expect((await store.kvRead({ mount: 'secret', path: 'rotor/status/00' })).version).toBe(1);
    const conflict = await store
      .kvWrite({ mount: 'secret', path: 'rotor/status/00' }, { count: '2' }, { cas: 0 })
      .catch((e: unknown) => e);
    expect(isVaultError(conflict, 'cas-conflict')).toBe(true);
    await store.close();

    const denied = open({ VAULT_TOKEN: 'hvs.not-a-token' });
    const error = await denied.store
      .kvRead({ mount: 'secret', path: 'rotor/policies/00' })
      .catch((e: unknown) => e);
    expect(isVaultError(error, 'invalid-token')).toBe(true);
    expect(denied.loads()).toBe(1);
    await denied.store.close();

    const down = open({ VAULT_TOKEN: vault.rootToken });
    vault.seal();
    const sealed = await down.store
      .kvRead({ mount: 'secret', path: 'rotor/policies/00' })
      .catch((e: unknown) => e);
    vault.unseal();
    expect(isVaultError(sealed, 'sealed')).toBe(true);
    await down.store.close();
  });

  it('refuses an escaping path before any request, as the adapter does', async () => {
    const { store, loads } = open({ VAULT_TOKEN: vault.rootToken });
    for (const path of ['../../sys/seal', 'rotor/../x', 'rotor//policies', 'rotor/%2e%2e/x']) {
      await expect(store.kvRead({ mount: 'secret', path }), path).rejects.toThrow(/the secret path/);
      await expect(store.kvMetadata({ mount: 'secret', path }), path).rejects.toThrow(/the secret path/);
    }
    expect(loads()).toBe(0);
    await store.close();
  });
});
