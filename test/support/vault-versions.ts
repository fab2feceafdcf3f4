import type { VaultEmulator } from '../../src/sandbox/vault/index.js';

/**
 * Every KV v2 key of the emulator's `secret` mount with its current version, and whether Vault
 * is sealed: compared before and after an attack, it shows that nothing anywhere was written.
 */
export async function vaultState(
  vault: VaultEmulator,
): Promise<{ sealed: boolean; versions: Record<string, number> }> {
  const versions: Record<string, number> = {};
  const walk = async (folder: string): Promise<void> => {
    const listed = await vault.call('GET', `secret/metadata/${folder}?list=true`);
    if (listed.status === 404) return;
    if (listed.status !== 200) throw new Error(`listing secret/${folder} answered ${listed.status}`);
    for (const key of (listed.body as { data: { keys: string[] } }).data.keys) {
      if (key.endsWith('/')) await walk(`${folder}${key}`);
      else {
        const meta = await vault.call('GET', `secret/metadata/${folder}${key}`);
        versions[`${folder}${key}`] = (
          meta.body as { data: { current_version: number } }
        ).data.current_version;
      }
    }
  };
  await walk('');
  return { sealed: vault.isSealed(), versions };
}
