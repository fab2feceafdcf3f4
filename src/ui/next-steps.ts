import type { Outcome } from '../engine/types.js';
import type { StepView, ViewState } from '../engine/view-state.js';

/** The outcome as a mark and words; the same on a colour terminal and with NO_COLOR. */
export function outcomeHeading(outcome: Outcome): { mark: string; text: string; color: string } {
  switch (outcome.status) {
    case 'succeeded':
      return { mark: '✔', text: 'Succeeded', color: 'green' };
    case 'rolled-back':
      return { mark: '↺', text: 'Failed and rolled back', color: 'yellow' };
    case 'failed':
      return { mark: '✘', text: 'Failed', color: 'red' };
    case 'rollback-incomplete':
      return { mark: '✘!', text: 'Failed: rollback incomplete', color: 'red' };
    case 'aborted':
      return {
        mark: '■',
        text: outcome.exitCode === 3 ? 'Aborted: rollback incomplete' : 'Aborted',
        color: 'yellow',
      };
  }
}

function changedAndKept(state: ViewState): StepView[] {
  return Object.values(state.steps).filter(
    (s) => s.status === 'succeeded' && s.changes && s.children.length === 0,
  );
}

const list = (steps: StepView[], what: (s: StepView) => string): string[] =>
  steps
    .slice(0, 5)
    .map((s) => `  ${what(s)}`)
    .concat(steps.length > 5 ? [`  … and ${steps.length - 5} more (see the journal)`] : []);

/** What the operator should do now, in plain words: the part of a summary people act on. */
export function nextSteps(state: ViewState, outcome: Outcome): string[] {
  const kept = changedAndKept(state);
  const undoFailed = Object.values(state.steps).filter((s) => s.status === 'undo-failed');
  const skippedByOperator = Object.values(state.steps).filter(
    (s) => s.status === 'skipped' && s.reason?.includes('operator'),
  );
  if (undoFailed.length > 0 || outcome.status === 'rollback-incomplete') {
    return [
      'Some undo steps failed: the systems are partly rotated. Fix these by hand:',
      ...list(undoFailed, (s) => `✘! ${s.title}: ${s.error ?? 'undo failed'}`),
      'Keep the journal for whoever takes over: it records every step and undo.',
    ];
  }
  if (outcome.status === 'succeeded') {
    if (skippedByOperator.length === 0) return ['Nothing left to do: every step finished.'];
    return [
      'Finished, but you skipped these steps; check whether they still need doing:',
      ...list(skippedByOperator, (s) => `↷ ${s.title}`),
    ];
  }
  if (outcome.status === 'rolled-back') {
    return [
      'Every completed step was undone: the systems are as they were before the run.',
      'Fix the cause shown above (the step output is in the journal), then run the runbook again.',
    ];
  }
  if (kept.length === 0)
    return [
      'Nothing was changed.',
      outcome.status === 'failed'
        ? 'Fix the cause shown above, then run the runbook again.'
        : 'Run the runbook again when ready.',
    ];
  return [
    'These changes were left in place:',
    ...list(kept, (s) => `✔ ${s.title}`),
    'Check the systems now: finish by running the runbook again, or undo these by hand.',
  ];
}
