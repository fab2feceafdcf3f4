import { resolveString, truthy, type Lookup } from '../runbook/template.js';
import type { EngineDeps, EventInput } from './engine-deps.js';
import { runActionStep, type CompletedStep, type StepResult } from './run-step.js';
import type { PlannedStep } from './types.js';

/** What a group run produced: the children that finished (in completion order) and the failures. */
export interface GroupResult {
  completed: CompletedStep[];
  failures: Array<{ id: string; error: string }>;
}

/**
 * Runs a group's children at most `concurrency` at a time. After the first failure no new child
 * starts; those already running finish, so nothing is left half-done. `done` holds children that
 * succeeded in an earlier attempt, so a retry runs only the rest.
 */
export async function runGroup(
  group: PlannedStep,
  deps: EngineDeps,
  emit: (e: EventInput) => void,
  lookupFor: (item?: unknown) => Lookup,
  done: Set<string>,
  skipReason: (child: PlannedStep) => string | undefined = () => undefined,
): Promise<GroupResult> {
  const children = group.group!.steps.filter((c) => !done.has(c.id));
  const result: GroupResult = { completed: [], failures: [] };
  let next = 0;
  const total = group.group!.steps.length;
  const worker = async (): Promise<void> => {
    while (next < children.length && result.failures.length === 0) {
      const child = children[next++];
      const lookup = lookupFor(child.item);
      const reason = skipReason(child);
      if (reason !== undefined) {
        emit({ type: 'step-skipped', stepId: child.id, reason });
        done.add(child.id);
        continue;
      }
      if (child.when !== undefined && !truthy(resolveString(child.when, lookup))) {
        emit({ type: 'step-skipped', stepId: child.id, reason: `when: ${child.when} is false` });
        done.add(child.id);
        continue;
      }
      const outcome: StepResult = await runActionStep(child, deps, emit, lookup, group.id);
      if (outcome.ok) {
        done.add(child.id);
        result.completed.push(outcome.completed);
        emit({ type: 'step-progress', stepId: group.id, done: done.size, total, label: 'done' });
      } else {
        result.failures.push({ id: child.id, error: outcome.error });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(group.group!.concurrency, children.length) }, worker));
  return result;
}
