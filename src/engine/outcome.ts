import type { Outcome, OutcomeFacts } from './types.js';

/**
 * How a session came to its end, in facts. `outcomeOf` is the one place that turns them into a
 * status, an exit code and the reason people read; callers decide on the facts, never on the
 * words (a reworded reason must not change whether `run --due` retries).
 */
export type Ending =
  | { kind: 'succeeded' }
  /** Completed steps were undone, newest first: after a failure, or because someone asked. */
  | {
      kind: 'rolled-back';
      cause: { failure: string } | { by: string };
      interrupted: boolean;
      undoFailed: boolean;
      uncertainStep?: string;
    }
  /** A rollback that had to stop at a point of no return: only the steps after it were undone. */
  | { kind: 'past-no-return'; cause: string; step: string; interrupted: boolean }
  /** A failure left as it is (on_failure: stop). */
  | { kind: 'stopped'; failure: string; changesLeft: boolean; uncertainStep?: string }
  /** Aborted at an approval or after Ctrl+C; completed changes stay. */
  | { kind: 'aborted'; by: string; interrupted: boolean; changesLeft: boolean };

const operatorCheck = (failure: string, step: string) =>
  `${failure}; an operator must check what step ${step} changed on its system`;

/** Only the facts that hold, so a clean outcome stays `{ status, exitCode, reason }`. */
function facts(all: {
  changesLeft?: boolean;
  interrupted?: boolean;
  pastNoReturn?: string;
  uncertainStep?: string;
  undoFailed?: boolean;
}): OutcomeFacts {
  const out: OutcomeFacts = {};
  if (all.changesLeft) out.changesLeft = true;
  if (all.interrupted) out.interrupted = true;
  if (all.pastNoReturn) out.pastNoReturn = all.pastNoReturn;
  if (all.uncertainStep) out.uncertainStep = all.uncertainStep;
  if (all.undoFailed) out.undoFailed = true;
  return out;
}

/** The status, exit code and reason of an ending, with its facts. */
export function outcomeOf(ending: Ending): Outcome {
  switch (ending.kind) {
    case 'succeeded':
      return { status: 'succeeded', exitCode: 0 };
    case 'past-no-return':
      return {
        status: 'failed',
        exitCode: 3,
        reason: `${ending.cause}; past the point of no return (step ${ending.step}), so nothing before it was undone: rotate again rather than roll back`,
        ...facts({ changesLeft: true, pastNoReturn: ending.step, interrupted: ending.interrupted }),
      };
    case 'rolled-back':
      return rolledBack(ending);
    case 'stopped': {
      const known = facts({ changesLeft: ending.changesLeft, uncertainStep: ending.uncertainStep });
      if (ending.uncertainStep)
        return {
          status: 'failed',
          exitCode: 3,
          reason: operatorCheck(ending.failure, ending.uncertainStep),
          ...known,
        };
      return { status: 'failed', exitCode: ending.changesLeft ? 3 : 1, reason: ending.failure, ...known };
    }
    case 'aborted':
      return {
        status: 'aborted',
        exitCode: 130,
        reason: `${ending.interrupted ? 'interrupted' : `aborted by ${ending.by}`}${ending.changesLeft ? '; completed changes were left as they are' : ''}`,
        ...facts({ changesLeft: ending.changesLeft, interrupted: ending.interrupted }),
      };
  }
}

function rolledBack(ending: Extract<Ending, { kind: 'rolled-back' }>): Outcome {
  const known = facts({
    changesLeft: ending.undoFailed,
    undoFailed: ending.undoFailed,
    interrupted: ending.interrupted,
    uncertainStep: ending.uncertainStep,
  });
  const { cause } = ending;
  if ('failure' in cause) {
    if (ending.uncertainStep)
      return {
        status: 'rollback-incomplete',
        exitCode: 3,
        reason: operatorCheck(cause.failure, ending.uncertainStep),
        ...known,
      };
    return ending.undoFailed
      ? { status: 'rollback-incomplete', exitCode: 3, reason: cause.failure, ...known }
      : { status: 'rolled-back', exitCode: 1, reason: cause.failure, ...known };
  }
  if (ending.interrupted)
    return ending.undoFailed
      ? {
          status: 'rollback-incomplete',
          exitCode: 3,
          reason: 'interrupted; some undo steps failed',
          ...known,
        }
      : { status: 'aborted', exitCode: 130, reason: 'interrupted; rolled back', ...known };
  return ending.undoFailed
    ? { status: 'rollback-incomplete', exitCode: 3, reason: 'some undo steps failed', ...known }
    : { status: 'rolled-back', exitCode: 1, reason: `rolled back by ${cause.by}`, ...known };
}
