import { initialViewState, reduce, type ViewState } from '../engine/view-state.js';
import type { EngineEvent } from '../engine/types.js';
import type { JournalContents } from './journal-reader.js';

/** One line of `rotor sessions`. */
export interface SessionSummary {
  sessionId: string;
  runbookId?: string;
  environment?: string;
  drill: boolean;
  operator?: string;
  startedAt?: number;
  endedAt?: number;
  /** succeeded | rolled-back | failed | rollback-incomplete | aborted | refused | unfinished */
  status: string;
  exitCode?: number;
  reason?: string;
  intact: boolean;
}

const ENGINE_EVENTS = new Set<string>([
  'session-started',
  'session-warning',
  'step-awaiting-approval',
  'decision',
  'step-started',
  'step-log',
  'step-progress',
  'step-succeeded',
  'step-failed',
  'step-skipped',
  'rollback-started',
  'step-undoing',
  'step-rolled-back',
  'step-undo-failed',
  'interrupt-requested',
  'session-ended',
]);

/** The engine events of a journal, in order, for replay through the same reducer the TUI uses. */
export function engineEvents(journal: JournalContents): EngineEvent[] {
  return journal.records.filter((r) => ENGINE_EVENTS.has(r.type)) as unknown as EngineEvent[];
}

export function replay(journal: JournalContents): ViewState {
  return engineEvents(journal).reduce(reduce, initialViewState);
}

export function summarizeSession(sessionId: string, journal: JournalContents): SessionSummary {
  const opened = journal.records.find((r) => r.type === 'session-opened');
  const refused = journal.records.find((r) => r.type === 'session-refused');
  const ended = journal.records.find((r) => r.type === 'session-ended') as
    { outcome?: { status: string; exitCode: number; reason?: string }; at: number } | undefined;
  const status = refused ? 'refused' : (ended?.outcome?.status ?? 'unfinished');
  return {
    sessionId,
    runbookId: opened?.runbookId as string | undefined,
    environment: opened?.environment as string | undefined,
    drill: opened?.drill === true,
    operator: opened?.operator as string | undefined,
    startedAt: opened?.at,
    endedAt: ended?.at ?? (refused?.at as number | undefined),
    status,
    exitCode: ended?.outcome?.exitCode ?? (refused?.exitCode as number | undefined),
    reason: ended?.outcome?.reason ?? (refused?.reason as string | undefined),
    intact: journal.problem === undefined,
  };
}
