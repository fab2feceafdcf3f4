import type { Hop, HopState } from './types.js';

// Worst first: a finding outranks a gap, a gap outranks a pass.
const RANK: Record<HopState, number> = {
  drift: 6,
  overdue: 5,
  forbidden: 4,
  unreachable: 3,
  'not-judged': 2,
  ok: 1,
  none: 0,
};

/** The worst of some hops (the first of equals); `fallback` when there are none. */
export function worstHop(hops: readonly Hop[], fallback: Hop): Hop {
  return (
    hops.reduce<Hop | undefined>((w, h) => (!w || RANK[h.state] > RANK[w.state] ? h : w), undefined) ??
    fallback
  );
}

/** True for states that are neither a pass nor "nothing to check". */
export const isBroken = (state: HopState) => state !== 'ok' && state !== 'none';
