import { dueLine, readDue } from '../services/due-rotations.js';
import type { StoreHost } from '../services/stores.js';
import type { Io } from './io.js';
import { table } from './policy-table.js';

/**
 * `rotor due`: which secrets are due for rotation and why (with --all, every policy). Built to
 * stay fast with 10,000 policies: 8 KV reads and no per-policy cron work (see due-index.ts).
 */
export async function dueCommand(
  host: StoreHost,
  options: { env?: string; json?: boolean; all?: boolean },
  io: Io,
  now = new Date(),
): Promise<number> {
  const { environment, items, broken } = await readDue(host, options.env, now, options);
  const shown = items.filter((i) => options.all || i.state.due || i.state.missing).map(dueLine);
  if (options.json) {
    io.stdout(JSON.stringify(shown, null, 2));
  } else {
    const due = items.filter((i) => i.state.due).length;
    // One write: thousands of lines written one by one cost more than computing them.
    if (shown.length > 0)
      io.stdout(
        table(
          ['SECRET', 'DUE', 'RUNBOOK', 'WHY'],
          shown.map((l) => [
            l.secret_path,
            l.due ? 'due' : l.secret_missing ? 'missing' : '-',
            l.runbook,
            l.reason,
          ]),
        ).join('\n'),
      );
    io.stdout(
      `${due} of ${items.length} rotation ${items.length === 1 ? 'policy' : 'policies'} due in ${environment}${due > 0 ? '; rotor run --due --yes rotates them' : ''}`,
    );
  }
  for (const b of broken) io.stderr(`rotor: ${b.reason}`);
  return broken.length > 0 ? 1 : 0;
}
