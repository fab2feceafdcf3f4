import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { findInventory, openInventory } from '../inventory/find.js';
import { checkInventory } from '../inventory/check.js';
import { trustInventory } from '../inventory/trust.js';
import { declaredRunbooks } from '../inventory/load-inventory.js';
import type { RotorContext } from '../services/rotor-context.js';
import type { Io } from './io.js';

/**
 * `rotor env trust [file]`: records that the operator read this inventory and trusts it, by its
 * path and the hash of its content, as direnv's `allow` does. A later change asks again. The
 * file must be valid first: trusting a file rotor would refuse helps nobody.
 */
export async function trustEnv(ctx: RotorContext, file: string | undefined, io: Io): Promise<number> {
  const found = file
    ? { file: resolve(process.cwd(), file), by: '--inventory' as const }
    : findInventory({ env: ctx.env, cwd: process.cwd() });
  if (!found)
    throw new UsageError(
      'no inventory here to trust',
      'name the file (rotor env trust path/to/rotor.inventory.yaml), or create rotor.inventory.yaml in this folder',
    );
  // Opened as explicitly named: the check of its content is what trust is about to record.
  const loaded = openInventory({ file: found.file, by: '--inventory' }, ctx.env);
  checkInventory(loaded, declaredRunbooks(ctx.catalog));
  trustInventory(ctx.env, found.file, loaded.hash);
  const names = Object.keys(loaded.inventory.environments);
  io.stdout(
    `trusted ${found.file} (sha256 ${loaded.hash.slice(0, 12)}…): environments ${names.join(', ') || 'none'}`,
  );
  return 0;
}
