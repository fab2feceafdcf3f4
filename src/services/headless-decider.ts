import type { Decider } from '../engine/types.js';

/**
 * `--yes`: approve every step. On Ctrl+C or SIGTERM there is nobody to ask, so follow the
 * runbook: roll back when it says rollback, otherwise leave things as they are.
 */
export function headlessDecider(onFailure: 'rollback' | 'stop' | 'ask'): Decider {
  return async (request) => {
    if (request.kind === 'approve') return 'approve';
    if (request.kind === 'failure') return onFailure === 'stop' ? 'abort' : 'rollback';
    return onFailure === 'stop' ? 'abort' : 'rollback';
  };
}

/** The decider of a policy's rotation: approve all; on failure, roll back or stop as the policy says. */
export function policyDecider(onFailure: 'rollback' | 'abort'): Decider {
  return async (request) => (request.kind === 'approve' ? 'approve' : onFailure);
}
