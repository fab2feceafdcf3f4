import type { HopState, RowState } from './types.js';

/** One character per hop state, readable without colour. */
export const HOP_MARK: Record<HopState, string> = {
  ok: '✓',
  drift: '✗',
  overdue: '✗',
  'not-judged': '?',
  unreachable: '!',
  forbidden: '!',
  none: '·',
};

/** Words for a row's state, as the table and the summary say them. */
export const STATE_WORD: Record<RowState, string> = {
  agree: 'agree',
  drift: 'drift',
  overdue: 'overdue',
  unreachable: 'unreachable',
  forbidden: 'forbidden',
  'not-judged': 'not judged',
};
