import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { Profile } from '../adapters/settings.js';
import type { LoadedInventory } from './load.js';

/** `~/x` and paths relative to the inventory's own folder, as a team writes them in git. */
function filePath(path: string | undefined, inventoryFile: string): string | undefined {
  if (path === undefined) return undefined;
  if (path === '~' || path.startsWith('~/')) return join(homedir(), path.slice(1));
  return isAbsolute(path) ? path : resolve(dirname(inventoryFile), path);
}

/** An inventory's environments as connection profiles: the one shape sessions, stores and doctor connect from. */
export function inventoryProfiles(loaded: LoadedInventory): Profile[] {
  return Object.entries(loaded.inventory.environments).map(([name, e]) => ({
    name,
    protected: e.protected,
    description: e.description ?? `from ${loaded.file}`,
    vaultAddr: e.vault?.address,
    vaultNamespace: e.vault?.namespace,
    vaultCaCert: filePath(e.vault?.ca_cert, loaded.file),
    vaultAuth: e.vault?.auth,
    kubeContext: e.kubernetes?.context,
    kubeconfig: filePath(e.kubernetes?.kubeconfig, loaded.file),
    ...(e.allow_insecure_tls ? { allowInsecureTls: true } : {}),
    inventory: loaded.file,
  }));
}

/** Profiles from both places; an inventory's environment hides a saved profile of the same name. */
export function mergedProfiles(saved: readonly Profile[], loaded: LoadedInventory | undefined): Profile[] {
  const fromInventory = loaded ? inventoryProfiles(loaded) : [];
  const names = new Set(fromInventory.map((p) => p.name));
  return [...fromInventory, ...saved.filter((p) => !names.has(p.name))];
}
