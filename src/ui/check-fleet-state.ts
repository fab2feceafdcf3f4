import { summarize } from '../check/row-state.js';
import type { CheckRow, CheckSummary } from '../check/types.js';

/** The fleet screen: rows as they arrive, the highlighted one, and the one opened with Enter. */
export interface FleetState {
  rows: CheckRow[];
  done: boolean;
  cursor: number;
  /** The operator moved the cursor: it then stays on that secret as rows arrive; else on the top. */
  moved?: boolean;
  /** The secret whose hops are shown. */
  open?: string;
  error?: string;
}

export type FleetEvent =
  | { type: 'row'; row: CheckRow }
  | { type: 'done' }
  | { type: 'failed'; message: string }
  | { type: 'move'; by: number }
  | { type: 'open' }
  | { type: 'close' };

export const initialFleet: FleetState = { rows: [], done: false, cursor: 0 };

// Findings first (what the operator came for), then gaps, then agreeing rows; by path within each.
const ORDER: Record<CheckRow['state'], number> = {
  drift: 0,
  overdue: 1,
  forbidden: 2,
  unreachable: 3,
  'not-judged': 4,
  agree: 5,
};
const byConcern = (a: CheckRow, b: CheckRow) =>
  ORDER[a.state] - ORDER[b.state] || a.secret_path.localeCompare(b.secret_path);

/** Folds one event into the screen's state; the cursor stays on the secret it was on. */
export function reduceFleet(state: FleetState, event: FleetEvent): FleetState {
  switch (event.type) {
    case 'row': {
      const current = state.rows[state.cursor]?.secret_path;
      const rows = [...state.rows, event.row].sort(byConcern);
      const cursor =
        current === undefined || !state.moved ? 0 : rows.findIndex((r) => r.secret_path === current);
      return { ...state, rows, cursor };
    }
    case 'done':
      return { ...state, done: true };
    case 'failed':
      return { ...state, done: true, error: event.message };
    case 'move':
      return state.open || state.rows.length === 0
        ? state
        : {
            ...state,
            moved: true,
            cursor: Math.min(state.rows.length - 1, Math.max(0, state.cursor + event.by)),
          };
    case 'open':
      return state.rows[state.cursor] ? { ...state, open: state.rows[state.cursor].secret_path } : state;
    case 'close':
      return { ...state, open: undefined };
  }
}

/** The counts of the summary line. */
export const fleetSummary = (state: FleetState): CheckSummary => summarize(state.rows);

/** The first row index of a window of `height` rows that keeps the cursor in view. */
export function windowStart(cursor: number, total: number, height: number): number {
  if (total <= height) return 0;
  return Math.min(Math.max(0, cursor - Math.floor(height / 2)), total - height);
}
