import { UsageError } from '../errors.js';
import { hasHashedSecret, resumePoint, type ResumePoint } from '../engine/resume/resume-point.js';
import { readJournal } from '../journal/journal-reader.js';
import { engineEvents } from '../journal/session-summary.js';
import type { GivenInputs } from '../runbook/inputs.js';
import type { LoadedRunbook } from '../runbook/load.js';

/** What `rotor resume` needs from an interrupted session's journal. */
export interface ResumeInfo {
  runbookRef: string;
  runbookHash: string;
  environment: string;
  inputs: GivenInputs;
  point: ResumePoint;
}

/**
 * Reads an interrupted session back: its runbook, environment and non-secret inputs, and where
 * each step stood. Refuses a session that ended, and a runbook file that changed since.
 */
export function readResumeInfo(journalDir: string, sessionId: string): ResumeInfo {
  const journal = readJournal(journalDir, sessionId);
  if (journal.problem)
    throw new UsageError(
      `session ${sessionId} cannot be resumed: its journal is damaged (${journal.problem})`,
      `rotor sessions verify ${sessionId}`,
    );
  const opened = journal.records.find((r) => r.type === 'session-opened');
  if (!opened?.runbookFile)
    throw new UsageError(`session ${sessionId} never started a runbook: nothing to resume`);
  const events = engineEvents(journal);
  const point = resumePoint(events);
  if (point.ended) {
    const end = [...events].reverse().find((e) => e.type === 'session-ended');
    throw new UsageError(
      `session ${sessionId} already ended (${end?.type === 'session-ended' ? end.outcome.status : 'ended'}): nothing to resume`,
      `rotor sessions show ${sessionId}`,
    );
  }
  const started = events.find((e) => e.type === 'session-started');
  const inputs: GivenInputs = {};
  if (started?.type === 'session-started') {
    for (const [name, value] of Object.entries(started.plan.inputs)) {
      // Secret inputs are only hashes in the journal: they come again from ROTOR_INPUT_* or the TUI.
      if (
        !hasHashedSecret(value) &&
        (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      )
        inputs[name] = String(value);
    }
  }
  return {
    runbookRef: String(opened.runbookFile),
    runbookHash: String(opened.runbookHash ?? ''),
    environment: String(opened.environment),
    inputs,
    point,
  };
}

/** The runbook must be byte-for-byte the one the session started with. */
export function checkSameRunbook(loaded: LoadedRunbook, info: ResumeInfo, sessionId: string): void {
  if (info.runbookHash && loaded.hash !== info.runbookHash) {
    throw new UsageError(
      `runbook ${loaded.runbook.id} changed since session ${sessionId} started (${loaded.file})`,
      'resume with the runbook as it was (e.g. check it out from version control), or roll back by hand',
    );
  }
}
