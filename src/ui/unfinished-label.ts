import type { UnfinishedSession } from '../services/unfinished-sessions.js';

/** One line per session: what ran where, by whom, and how far it got. */
export function unfinishedLabel(s: UnfinishedSession): string {
  const where = s.inFlight.length ? `stopped inside ${s.inFlight.join(', ')}` : `${s.done} step(s) done`;
  return `${s.runbookId} in ${s.environment}, by ${s.operator}${s.drill ? ', drill' : ''}: ${where} (${s.sessionId})`;
}
