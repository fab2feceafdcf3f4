import { lastRotated } from '../policy/due.js';
import type { DueItem } from '../policy/due-index.js';
import { dueReport } from '../policy/rotation-queries.js';
import { runbookFor } from '../policy/runbook-choice.js';
import type { Io } from './io.js';
import { table } from './policy-table.js';
import { withStores, type StoreHost } from './policy-vault.js';

/** One line of `rotor due --json`. */
export interface DueLine {
  secret_path: string;
  due: boolean;
  scheduled: boolean;
  next_rotation?: string;
  reason: string;
  runbook: string;
  last_rotated?: string;
  last_status?: string;
  /** The policy's secret does not exist in Vault (shown by `rotor due` too: the policy needs a look). */
  secret_missing?: boolean;
}

export function dueLine(item: DueItem): DueLine {
  return {
    secret_path: item.policy.secret_path,
    due: item.state.due,
    scheduled: item.state.scheduled,
    next_rotation: item.state.next?.toISOString(),
    reason: item.state.reason,
    runbook: runbookFor(item.policy),
    last_rotated: lastRotated(item.status?.last_success, item.age),
    last_status: item.status?.last_status,
    ...(item.state.missing ? { secret_missing: true } : {}),
  };
}

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
  return withStores(host, options.env, async (stores) => {
    const { items, broken } = await dueReport(stores, now, { onlyDue: !options.all });
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
        `${due} of ${items.length} rotation ${items.length === 1 ? 'policy' : 'policies'} due in ${stores.environment.name}${due > 0 ? '; rotor run --due --yes rotates them' : ''}`,
      );
    }
    for (const b of broken) io.stderr(`rotor: ${b.reason}`);
    return broken.length > 0 ? 1 : 0;
  });
}
