import { isBroken } from './hop-order.js';
import {
  HOP_NAMES,
  type CheckRow,
  type CheckSummary,
  type Hop,
  type HopName,
  type RowState,
} from './types.js';

/** The row's state: drift first, then overdue, then what could not be judged, else agree. */
export function rowState(hops: Record<HopName, Hop>): RowState {
  const states = HOP_NAMES.map((n) => hops[n].state);
  if (states.includes('drift')) return 'drift';
  if (states.includes('overdue')) return 'overdue';
  if (states.includes('forbidden')) return 'forbidden';
  if (states.includes('unreachable')) return 'unreachable';
  if (states.includes('not-judged')) return 'not-judged';
  return 'agree';
}

/** The first hop, in travel order, that is not ok. */
export function firstBroken(hops: Record<HopName, Hop>): HopName | undefined {
  return HOP_NAMES.find((n) => isBroken(hops[n].state));
}

/**
 * Exit code of `rotor check`: 1 when anything drifted or is overdue (a finding), 3 when some
 * rows could not be judged and none drifted, else 0. (2, bad usage, never gets this far.)
 */
export function exitCodeOf(rows: readonly Pick<CheckRow, 'state'>[]): number {
  if (rows.some((r) => r.state === 'drift' || r.state === 'overdue')) return 1;
  if (rows.some((r) => r.state !== 'agree')) return 3;
  return 0;
}

/** Counts over the rows. */
export function summarize(rows: readonly Pick<CheckRow, 'state'>[]): CheckSummary {
  const count = (s: RowState) => rows.filter((r) => r.state === s).length;
  return {
    total: rows.length,
    agree: count('agree'),
    drift: count('drift'),
    overdue: count('overdue'),
    unreachable: count('unreachable'),
    forbidden: count('forbidden'),
    not_judged: count('not-judged'),
    exit_code: exitCodeOf(rows),
  };
}
