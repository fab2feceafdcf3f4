import { listSessionIds, readJournal } from '../journal/journal-reader.js';
import { summarizeSession, type SessionSummary } from '../journal/session-summary.js';

/**
 * Sessions that started and never ended: a laptop that died, a killed process. The TUI names them
 * at start so an operator picks the interrupted rotation up before starting another.
 */
export function unfinishedSessions(journalDir: string, limit = 50): SessionSummary[] {
  return listSessionIds(journalDir)
    .slice(0, limit)
    .map((id) => summarizeSession(id, readJournal(journalDir, id)))
    .filter((s) => s.status === 'unfinished' && s.runbookId !== undefined);
}

export function unfinishedNotice(sessions: readonly SessionSummary[]): string[] {
  if (sessions.length === 0) return [];
  return [
    `${sessions.length} unfinished session(s) — an interrupted rotation may have left Vault and a target disagreeing:`,
    ...sessions.slice(0, 5).map((s) => `  rotor resume ${s.sessionId}   (${s.runbookId} in ${s.environment}, by ${s.operator}${s.drill ? ', drill' : ''})`),
    '',
  ];
}
