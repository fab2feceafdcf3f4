import type { Outcome } from '../engine/types.js';
import { statusOf, type HistoryEntry } from './history.js';
import { isCanonical } from './secret-path.js';

/** What a finished session tells history: facts only, never a secret value. */
export interface EndedSession {
  sessionId: string;
  runbookId: string;
  /** The secrets the session rotates, canonical (the plan's `rotates`): one history entry each. */
  rotates: readonly string[];
  /** The inputs as resolved, without the secret ones. */
  inputs: Record<string, string | number | boolean>;
  environment: string;
  drill: boolean;
  operator: string;
  /** Milliseconds since the epoch. */
  startedAt: number;
  endedAt: number;
  outcome: Outcome;
  /** The first step failure, as the engine reported it (already scrubbed of secrets). */
  firstError?: string;
  /** Whether a step that changes something completed. */
  changed: boolean;
}

/**
 * The history entries of a session, one per secret it rotates (none when the runbook rotates
 * nothing, or the operator stopped before anything ran or changed).
 */
export function historyEntriesOf(session: EndedSession, attempt = 1): HistoryEntry[] {
  // A spelling the run would have refused never names a history entry (it could point anywhere).
  const paths = session.rotates.filter(isCanonical);
  const { outcome } = session;
  if (outcome.status === 'aborted' && !session.firstError && !session.changed) return [];
  return paths.map((path) => {
    const entry: HistoryEntry = {
      secret_path: path,
      session_id: session.sessionId,
      runbook: session.runbookId,
      environment: session.environment,
      operator: session.operator,
      started_at: new Date(session.startedAt).toISOString(),
      ended_at: new Date(session.endedAt).toISOString(),
      duration_seconds: Math.max(0, (session.endedAt - session.startedAt) / 1000),
      status: statusOf(outcome),
      attempt,
      drill: session.drill,
    };
    if (outcome.status !== 'succeeded') entry.error = errorOf(outcome.reason, session.firstError);
    return entry;
  });
}

/**
 * The outcome's reason, led by the step error when the reason alone would not say what broke.
 * One line: the hint under an error ("→ its output is above") belongs to the journal.
 */
function errorOf(reason: string, firstError: string | undefined): string {
  const line = (text: string) => text.split('\n')[0].trim();
  if (!firstError || reason.includes(line(firstError))) return line(reason);
  return `${line(firstError)} (${line(reason)})`;
}
