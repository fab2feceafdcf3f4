import { UsageError } from '../errors.js';
import type { Decider } from '../engine/types.js';
import type { EnvironmentInfo } from '../session/types.js';

/**
 * The one rule for every headless path (`run --yes`, `run --due --yes`, `resume --yes`, the
 * library API): on a protected environment nothing starts unless its name was given explicitly.
 * Returns the confirmed name, undefined when the environment is not protected. `how` words the
 * fix for a command line or for the library's option.
 */
export function requireHeadlessConfirmation(
  environment: EnvironmentInfo,
  given: string | undefined,
  how: 'flag' | 'option' = 'flag',
): string | undefined {
  if (!environment.protected) return undefined;
  if (given === environment.name) return given;
  const name = environment.name;
  throw new UsageError(
    how === 'flag'
      ? `environment ${name} is protected: --yes needs --confirm-env ${name}`
      : `environment ${name} is protected: pass confirmEnvironment: "${name}"`,
    'type the environment name to show this is the one you mean',
  );
}

/**
 * A headless decider whose approvals carry the explicitly confirmed environment's name: the
 * engine accepts nothing less for a protected environment (src/engine/run-plan.ts, accept).
 */
export function confirmingDecider(decide: Decider, confirmed: string | undefined): Decider {
  if (confirmed === undefined) return decide;
  return async (request) => {
    const answer = await decide(request);
    return request.kind === 'approve' && request.confirmEnvironment === confirmed && answer === 'approve'
      ? { decision: 'approve', confirmedEnvironment: confirmed }
      : answer;
  };
}
