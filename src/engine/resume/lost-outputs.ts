import type { ActionRegistry } from '../../actions/index.js';
import { expressionsIn, parseExpression, stringsIn } from '../../runbook/template.js';
import type { PlannedStep } from '../types.js';

/**
 * For a check (an action that changes nothing): the first step in `lost` whose outputs its
 * parameters (or `when`) use, if any.
 *
 * On resume, a read whose secret outputs the journal holds only as hashes (a token from before the
 * rotation) is read again; once a change has happened after it, the new read sees the new state.
 * A check that compares with the earlier value cannot be repeated, so it is skipped and says why,
 * rather than failing and rolling back a rotation that worked. Changing steps still run: their
 * values come from steps that recover them from the real system.
 */
export function usesLostOutput(
  step: PlannedStep,
  lost: ReadonlySet<string>,
  actions: ActionRegistry,
): string | undefined {
  if (lost.size === 0 || actions.get(step.action ?? '')?.changes !== false) return undefined;
  const texts = [...stringsIn(step.with)].map(([text]) => text);
  if (step.when !== undefined) texts.push(step.when);
  for (const text of texts) {
    for (const source of expressionsIn(text)) {
      const { ref } = parseExpression(source);
      if (ref.root === 'steps' && lost.has(ref.path[0])) return ref.path[0];
    }
  }
  return undefined;
}

export function lostOutputReason(stepId: string): string {
  return `it needs step ${stepId}'s secret output from before the interruption, which only the interrupted session held (read again now, it would see the state after the change): check this by hand`;
}
