import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Profile } from '../src/adapters/settings.js';
import { connectStores } from '../src/services/stores.js';
import { startVaultEmulator, type VaultEmulator } from '../src/sandbox/vault/index.js';
import { connectEnvironment } from '../src/session/connect.js';
import { connectionSettings } from '../src/session/profile-connection.js';

// Issue 13, item 4: a session applied a profile's Vault namespace only when the profile also set
// an address, the policy stores applied it alone; so a namespace-only profile locked in one
// namespace and kept its policies in another. One function now turns a profile into settings.

const profile: Profile = { name: 'team-a', protected: false, vaultNamespace: 'team-a' };
const environment = { name: 'team-a', protected: false, sandbox: false };

describe('one way to turn a profile into connections (issue 13, item 4)', () => {
  let vault: VaultEmulator;
  let home: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    vault = await startVaultEmulator();
    home = mkdtempSync(join(tmpdir(), 'rotor-profile-'));
    // No kubeconfig anywhere: this is about Vault.
    env = { VAULT_ADDR: vault.url, VAULT_TOKEN: vault.rootToken, ROTOR_HOME: home, KUBECONFIG: '' };
  });
  afterAll(async () => {
    await vault?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it("a namespace-only profile's namespace applies with the shell's VAULT_ADDR", () => {
    const settings = connectionSettings(environment, profile, env, home);
    expect(settings.vault?.address).toBe(vault.url);
    expect(settings.vault?.namespace).toBe('team-a');
    // Each profile setting wins on its own; the shell's namespace yields to the profile's.
    expect(
      connectionSettings(environment, profile, { ...env, VAULT_NAMESPACE: 'other' }, home).vault?.namespace,
    ).toBe('team-a');
    expect(
      connectionSettings(environment, undefined, { ...env, VAULT_NAMESPACE: 'other' }, home).vault?.namespace,
    ).toBe('other');
  });

  it('a session and the policy stores of a namespace-only profile both send its namespace to Vault', async () => {
    const seen = vault.namespacesSeen as Set<string>;
    seen.clear();
    const world = await connectEnvironment(environment, [profile], env);
    try {
      await world.ports.vault!.kvMetadata({ mount: 'secret', path: 'harmonyflow/redis' });
    } finally {
      await world.close();
    }
    expect([...seen], 'the session (steps and locks)').toEqual(['team-a']);

    seen.clear();
    const stores = await connectStores(
      { env, resolve: async () => ({ environment, profiles: [profile] }) },
      'team-a',
    );
    try {
      await stores.policies.list();
    } finally {
      await stores.close();
    }
    expect([...seen], 'the policy store').toEqual(['team-a']);
  });
});
