import { UsageError } from '../errors.js';
import { historyCells } from '../policy/policy-text.js';
import { readHistory } from '../services/rotation-reports.js';
import type { StoreHost } from '../services/stores.js';
import type { Io } from './io.js';
import { table } from './policy-table.js';

/** `rotor history [path] [--limit N]`: rotations as runs recorded them, newest first. */
export async function historyCommand(
  host: StoreHost,
  secretPath: string | undefined,
  options: { env?: string; json?: boolean; limit?: string },
  io: Io,
): Promise<number> {
  const limit = options.limit === undefined ? 20 : Number(options.limit);
  if (!Number.isInteger(limit) || limit < 1)
    throw new UsageError(`--limit ${options.limit}: expected a whole number of at least 1`);
  const { environment, secretPath: path, entries } = await readHistory(host, options.env, secretPath, limit);
  if (options.json) {
    io.stdout(JSON.stringify(entries, null, 2));
  } else if (entries.length === 0) {
    io.stdout(`no rotations recorded${path ? ` for ${path}` : ''} in ${environment}`);
  } else {
    table(
      ['TIME (UTC)', 'SECRET', 'STATUS', 'DURATION', 'ATTEMPT', 'OPERATOR', 'SESSION', 'ERROR'],
      entries.map(historyCells),
    ).forEach((l) => io.stdout(l));
  }
  return 0;
}
