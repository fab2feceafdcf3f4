import { describeError } from '../errors.js';
import type { EngineDeps, EventInput } from './engine-deps.js';
import { resolveString, truthy, type Lookup } from '../runbook/template.js';
import { actionContext, runActionStep, withTimeout, type CompletedStep } from './run-step.js';
import type { PlannedStep } from './types.js';

/**
 * Undoes completed steps in reverse order of completion. An undo that fails is recorded and the
 * rest still run: leaving later steps undone would only widen the gap an operator must close.
 * Returns whether every undo succeeded.
 */
export async function rollback(
  completed: readonly CompletedStep[],
  reason: string,
  deps: EngineDeps,
  emit: (e: EventInput) => void,
  after: { steps: readonly PlannedStep[]; lookup: Lookup } = { steps: [], lookup: () => undefined },
): Promise<boolean> {
  const undoable = completed.filter((c) => c.action.undo).reverse();
  emit({ type: 'rollback-started', reason, steps: undoable.map((c) => c.step.id) });
  let complete = true;
  for (const { step, action, params, outputs } of undoable) {
    const started = deps.ports.clock.now();
    emit({ type: 'step-undoing', stepId: step.id });
    try {
      await withTimeout(step.timeoutMs, `undo of step ${step.id}`, (signal) =>
        action.undo!(params, outputs, actionContext(step, deps, emit, signal)),
      );
      emit({ type: 'step-rolled-back', stepId: step.id, durationMs: deps.ports.clock.now() - started });
    } catch (error) {
      complete = false;
      emit({ type: 'step-undo-failed', stepId: step.id, error: deps.secrets.scrub(describeError(error)) });
    }
  }
  // Putting the old value back in Vault is only half a rollback: consumers must see it again.
  if (undoable.length > 0) {
    for (const step of after.steps) {
      if (step.when !== undefined && !truthy(resolveString(step.when, after.lookup))) {
        emit({ type: 'step-skipped', stepId: step.id, reason: `when: ${step.when} is false` });
        continue;
      }
      const result = await runActionStep(step, deps, emit, after.lookup);
      if (!result.ok) complete = false;
    }
  }
  return complete;
}
