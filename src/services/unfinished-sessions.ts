import { listSessionIds, readJournal } from '../journal/journal-reader.js';
import { engineEvents, summarizeSession, type SessionSummary } from '../journal/session-summary.js';
import { resumePoint } from '../engine/resume/resume-point.js';

/** An interrupted session, with where it stopped: what the TUI offers to resume. */
export interface UnfinishedSession extends SessionSummary {
  /** Steps that started and never ended: the kill came inside them. */
  inFlight: string[];
  /** Steps that finished before the interruption. */
  done: number;
}

/**
 * Sessions that started and never ended: a laptop that died, a killed process. The TUI offers
 * them at start so an operator picks the interrupted rotation up before starting another.
 */
export function unfinishedSessions(journalDir: string, limit = 50): UnfinishedSession[] {
  return listSessionIds(journalDir)
    .slice(0, limit)
    .map((id) => ({ id, journal: readJournal(journalDir, id) }))
    .map(({ id, journal }) => ({
      summary: summarizeSession(id, journal),
      point: resumePoint(engineEvents(journal)),
    }))
    .filter(({ summary }) => summary.status === 'unfinished' && summary.runbookId !== undefined)
    .map(({ summary, point }) => {
      const marks = [...point.steps.entries()];
      return {
        ...summary,
        inFlight: marks.filter(([, m]) => m.state === 'in-flight').map(([id]) => id),
        done: marks.filter(([, m]) => m.state === 'succeeded').length,
      };
    });
}
