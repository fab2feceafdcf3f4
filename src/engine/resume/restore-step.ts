import type { Outputs } from '../../actions/types.js';
import { describeError } from '../../errors.js';
import type { Lookup } from '../../runbook/template.js';
import type { EngineDeps, EventInput } from '../engine-deps.js';
import { hasHashedSecret, type StepMark } from './resume-point.js';
import { actionContext, resolveParams, type CompletedStep } from '../run-step.js';
import type { PlannedStep } from '../types.js';

/** What resuming one action step decided. */
export type Restored =
  | { kind: 'done'; completed: CompletedStep }
  | { kind: 'run'; why: string; stale?: boolean }
  /**
   * `uncertain`: the step may have changed something rotor cannot know about. `ask`: its check
   * said the system cannot tell, so an operator who can look decides (run it again or not).
   */
  | { kind: 'failed'; error: string; uncertain?: boolean; ask?: boolean };

/**
 * Brings one step of an interrupted session back: a finished step gets its outputs back (from the
 * real system where the action can recover them), an in-flight step is checked against the real
 * system when its action is guarded, and runs again only when its change did not happen.
 */
export async function restoreStep(
  step: PlannedStep,
  mark: StepMark,
  deps: EngineDeps,
  emit: (e: EventInput) => void,
  lookup: Lookup,
  changedSince = false,
): Promise<Restored> {
  const action = deps.actions.get(step.action ?? '');
  if (!action) return { kind: 'failed', error: `unknown action ${step.action}` };
  const ctx = actionContext(step, deps, emit, new AbortController().signal);
  try {
    const params = resolveParams(step, action, lookup);
    if (mark.state === 'in-flight') {
      if (action.changes && action.class !== 'safe' && !action.recover && hasHashedSecret(params)) {
        // Its check would compare against a hash, and running it again would use one: only a
        // person can find out what the interrupted run did here. (Actions that can recover read
        // their state from the system itself, e.g. Vault versions, so their check stands.)
        return {
          kind: 'failed',
          uncertain: true,
          error: `cannot tell whether step ${step.id} changed anything before the session stopped: it was given a secret that only the interrupted run knew`,
        };
      }
      if (action.class === 'safe' || !action.check)
        return {
          kind: 'run',
          why: `was running when the session stopped; ${action.class === 'safe' ? 'safe to run again' : 'no way to check it, so it runs again'}`,
        };
      const found = await action.check(params, ctx, mark.before);
      if (found === 'not-done')
        return { kind: 'run', why: 'was running when the session stopped; its change had not happened' };
      if (found === 'cannot-tell')
        return {
          kind: 'failed',
          uncertain: true,
          ask: true,
          error: `cannot tell whether step ${step.id} (${action.id}) changed anything before the session stopped: its system cannot be asked, and running it again could repeat its change`,
        };
      emit({
        type: 'step-log',
        stepId: step.id,
        line: 'was running when the session stopped; its change had already happened',
      });
    }
    if (
      mark.state === 'succeeded' &&
      !action.recover &&
      !action.changes &&
      action.class === 'safe' &&
      hasHashedSecret(mark.outputs)
    ) {
      // A read whose secret outputs the journal kept only as hashes: reading again is harmless.
      // After a later change, though, it sees the new state: checks against the old value are stale.
      return {
        kind: 'run',
        why: 'read again: the journal holds its secret outputs only as hashes',
        stale: changedSince,
      };
    }
    const recorded: Outputs = mark.state === 'succeeded' ? mark.outputs : {};
    const outputs = action.recover ? await action.recover(params, recorded, ctx) : recorded;
    deps.secrets.addFrom(outputs);
    emit({
      type: 'step-log',
      stepId: step.id,
      line: action.recover ? 'restored from the journal and the real system' : 'restored from the journal',
    });
    emit({ type: 'step-succeeded', stepId: step.id, outputs, durationMs: 0 });
    return { kind: 'done', completed: { step, action, params, outputs } };
  } catch (error) {
    return { kind: 'failed', error: deps.secrets.scrub(describeError(error)) };
  }
}
