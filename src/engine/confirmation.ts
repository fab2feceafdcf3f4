import type { Answer, Decision, DecisionRequest } from './types.js';

/** The decision the engine acts on, and why it refused the one it was given, if it did. */
export interface Accepted {
  decision: Decision;
  /** For the session's reason: who ended it and why (`aborted by …`). */
  refused?: string;
}

/**
 * A protected environment's confirmation counts only when the answer carries its name: a
 * decider that approves everything (`--yes` without `--confirm-env`, a library caller) is
 * refused, whichever path started the session. The refusal is an abort at that approval, before
 * the step that would have been the first change.
 */
export function acceptAnswer(request: DecisionRequest, answer: Answer): Accepted {
  const decision = typeof answer === 'string' ? answer : answer.decision;
  if (request.kind !== 'approve' || !request.confirmEnvironment || decision !== 'approve')
    return { decision };
  if (typeof answer !== 'string' && answer.confirmedEnvironment === request.confirmEnvironment)
    return { decision };
  const name = request.confirmEnvironment;
  return {
    decision: 'abort',
    refused: `the engine: environment ${name} is protected and no operator confirmed it (type its name at the prompt; headless: --confirm-env ${name})`,
  };
}
