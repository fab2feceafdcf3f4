import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { parseInventory, type LoadedInventory } from './load.js';
import { trustOf } from './trust.js';

type Env = Readonly<Record<string, string | undefined>>;

/** How an inventory was found, which decides whether it must be trusted first. */
export type FoundBy = '--inventory' | 'ROTOR_INVENTORY' | 'working folder' | 'user config';

export interface FoundInventory {
  /** Absolute path. */
  file: string;
  by: FoundBy;
}

/** The names rotor looks for in the working folder. */
export const WORKING_FOLDER_NAMES = ['rotor.inventory.yaml', 'rotor.inventory.yml'];

/** The operator's own inventory: beside the settings (`$ROTOR_HOME/config`, else `~/.config/rotor`). */
export function userInventoryFile(env: Env): string {
  const dir = env.ROTOR_HOME
    ? join(env.ROTOR_HOME, 'config')
    : join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'rotor');
  return join(dir, 'inventory.yaml');
}

/**
 * Finds the inventory: `--inventory`, else `ROTOR_INVENTORY`, else `rotor.inventory.yaml` in the
 * working folder, else the user's config. A name given explicitly must exist; the others are
 * looked for. None at all is fine: profiles and the built-in environments still work.
 */
export function findInventory(options: { flag?: string; env: Env; cwd: string }): FoundInventory | undefined {
  const explicit: Array<[string | undefined, FoundBy]> = [
    [options.flag, '--inventory'],
    [options.env.ROTOR_INVENTORY || undefined, 'ROTOR_INVENTORY'],
  ];
  for (const [name, by] of explicit) {
    if (name === undefined) continue;
    const file = isAbsolute(name) ? name : resolve(options.cwd, name);
    if (!existsSync(file))
      throw new UsageError(
        `the inventory ${name} (${by}) does not exist`,
        by === '--inventory' ? 'check the path' : 'check ROTOR_INVENTORY, or unset it',
      );
    return { file, by };
  }
  for (const name of WORKING_FOLDER_NAMES) {
    const file = join(options.cwd, name);
    if (existsSync(file)) return { file, by: 'working folder' };
  }
  const user = userInventoryFile(options.env);
  return existsSync(user) ? { file: user, by: 'user config' } : undefined;
}

/**
 * Reads and validates a found inventory. One found in the working folder is used only once the
 * operator trusted that exact content (`rotor env trust`): a cloned repository must not be able
 * to send the operator's Vault token elsewhere, drop `protected`, or turn TLS checks off.
 */
export function openInventory(found: FoundInventory, env: Env): LoadedInventory {
  let text: string;
  try {
    text = readFileSync(found.file, 'utf8');
  } catch (error) {
    throw new UsageError(
      `the inventory ${found.file} cannot be read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      'check its permissions',
    );
  }
  const loaded = parseInventory(text, found.file);
  if (found.by !== 'working folder') return loaded;
  const trust = trustOf(env, found.file, loaded.hash);
  if (trust === 'trusted') return loaded;
  throw new UsageError(
    trust === 'changed'
      ? `the inventory ${found.file} (found in the working folder) changed since it was trusted, so it is not used`
      : `the inventory ${found.file} (found in the working folder) is not trusted: rotor would send your Vault token to the addresses it names`,
    'read it, then run `rotor env trust` (trust holds for this path and content); or name it with --inventory',
  );
}
