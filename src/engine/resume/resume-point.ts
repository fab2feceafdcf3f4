import type { Outputs } from '../../actions/types.js';
import type { EngineEvent } from '../types.js';
import { isHashedValue } from '../../journal/hashed-value.js';

/** What a journal says each step had reached when the session stopped. */
export type StepMark =
  | { state: 'succeeded'; outputs: Outputs }
  | { state: 'in-flight'; attempt: number; before?: Outputs }
  | { state: 'skipped' }
  | { state: 'rolled-back' };

/** Where an interrupted session stood, read from its engine events. */
export interface ResumePoint {
  steps: Map<string, StepMark>;
  /** The session already ended (nothing to resume), or a rollback had begun. */
  ended: boolean;
  rollbackStarted: boolean;
}

/**
 * Folds a journal's events into the state of every step. A step with `step-started` and no end
 * is in flight: the crash happened inside it, and only the real system can tell whether its change
 * happened. Pure: the engine decides what to do with it.
 */
export function resumePoint(events: readonly EngineEvent[]): ResumePoint {
  const steps = new Map<string, StepMark>();
  let ended = false;
  let rollbackStarted = false;
  for (const e of events) {
    if (e.type === 'step-started')
      steps.set(e.stepId, { state: 'in-flight', attempt: e.attempt, ...(e.before && { before: e.before }) });
    else if (e.type === 'step-succeeded') steps.set(e.stepId, { state: 'succeeded', outputs: e.outputs });
    else if (e.type === 'step-skipped') steps.set(e.stepId, { state: 'skipped' });
    else if (e.type === 'step-failed' && !e.willRetry) steps.delete(e.stepId);
    else if (e.type === 'step-rolled-back') steps.set(e.stepId, { state: 'rolled-back' });
    else if (e.type === 'rollback-started') rollbackStarted = true;
    else if (e.type === 'session-ended') ended = true;
  }
  return { steps, ended, rollbackStarted };
}

/** True when a recorded value is a journal hash standing in for a secret. */
export function hasHashedSecret(value: unknown): boolean {
  if (typeof value === 'string') return isHashedValue(value);
  if (Array.isArray(value)) return value.some(hasHashedSecret);
  if (value && typeof value === 'object') return Object.values(value).some(hasHashedSecret);
  return false;
}
