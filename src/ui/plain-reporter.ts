import type { EngineEvent } from '../engine/types.js';
import { initialViewState, reduce, type ViewState } from '../engine/view-state.js';
import { formatLogLine } from './log-format.js';
import { formatDuration } from './format.js';

/** The first line of a session: which runbook, where, and whether it is a drill. */
export function sessionHeading(plan: NonNullable<ViewState['plan']>): string {
  return `rotor · ${plan.title} (${plan.runbookId}) · environment ${plan.environment}${plan.drill ? ' · DRILL' : ''}`;
}

/** Which session a headless log belongs to, and where its journal is. */
export interface SessionNames {
  sessionId: string;
  journalPath: string;
}

/**
 * Human lines for a terminal without a TTY (`rotor run --yes` without `--json`): one line per
 * status change or output line, worded as in the TUI because both fold events through the same
 * reducer. Approvals given by `--yes` are not printed: every step would repeat them.
 */
export function createPlainReporter(
  write: (line: string) => void,
  session?: SessionNames,
): (event: EngineEvent) => void {
  let state: ViewState = initialViewState;
  return (event) => {
    const before = state.log.length;
    state = reduce(state, event);
    if (event.type === 'session-started' && state.plan) {
      write(sessionHeading(state.plan));
      // First thing in the log: a run killed mid-way says what to `rotor resume`.
      if (session) write(`session ${session.sessionId} · journal ${session.journalPath}`);
    }
    for (const line of state.log.slice(before)) {
      if (line.kind === 'decision' && line.decision.decision === 'approve') continue;
      const text = formatLogLine(line, state.steps);
      if (text !== undefined) write(text);
    }
    if (event.type === 'session-ended' && state.startedAt !== undefined) {
      write(`exit ${event.outcome.exitCode} after ${formatDuration(event.at - state.startedAt)}`);
    }
  };
}
