import type { LoadedRunbook } from '../runbook/load.js';
import { checkInventory, type DeclaredRunbooks } from './check.js';
import { findInventory, openInventory } from './find.js';
import type { LoadedInventory } from './load.js';

/**
 * The inventory a command works with: found (flag, variable, working folder, user config),
 * trusted when it must be, validated and checked against the runbooks rotor knows.
 */
export function loadInventory(
  where: { flag?: string; env: Readonly<Record<string, string | undefined>>; cwd: string },
  catalog: () => ReadonlyMap<string, LoadedRunbook>,
): LoadedInventory | undefined {
  const found = findInventory(where);
  if (!found) return undefined;
  const loaded = openInventory(found, where.env);
  checkInventory(loaded, declaredRunbooks(catalog()));
  return loaded;
}

/** The catalog as the inventory check reads it: runbooks by id. */
export function declaredRunbooks(catalog: ReadonlyMap<string, LoadedRunbook>): DeclaredRunbooks {
  return new Map([...catalog.values()].map((l) => [l.runbook.id, l.runbook]));
}
