import { refuseBadVaultInputs } from '../engine/plan-vault-params.js';
import { runbookFor, type Policy } from '../policy/policy.js';
import { checkRunbookFits } from '../policy/policy-runbook.js';
import type { RemedyWhere } from '../runbook/input-remedy.js';
import type { RotorContext } from './rotor-context.js';
import { withStores } from './stores.js';

/**
 * Checks a policy before it is stored (`rotor policy add`, the library's configurePolicy): its
 * runbook exists and fits, and its Vault inputs are plain paths. `--input connection=../../sys/seal`
 * is refused now, not when the CronJob runs it. `where` words the remedies (sandbox or not).
 */
export function checkPolicy(ctx: RotorContext, policy: Policy, where: RemedyWhere = {}): void {
  const loaded = ctx.findRunbook(runbookFor(policy));
  checkRunbookFits(policy, loaded.runbook.inputs, where);
  refuseBadVaultInputs(loaded.runbook, { ...policy.inputs, secret_path: policy.secret_path }, ctx.actions);
}

/** Adds or replaces a policy in an environment's Vault; says which, and where. */
export function savePolicy(
  ctx: RotorContext,
  environment: string | undefined,
  policy: Policy,
): Promise<{ created: boolean; policy: Policy; environment: string }> {
  return withStores(ctx, environment, async (stores) => ({
    ...(await stores.policies.put(policy)),
    environment: stores.environment.name,
  }));
}
