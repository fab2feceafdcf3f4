import { UsageError } from '../errors.js';
import { parsePolicy, runbookFor, type Policy } from '../policy/policy.js';
import { describeSchedule, policyLines } from '../policy/policy-text.js';
import { canonicalSecretPath } from '../policy/policy.js';
import { checkPolicy, savePolicy } from '../services/policies.js';
import type { RotorContext } from '../services/rotor-context.js';
import { withStores } from '../services/stores.js';
import type { Io } from './io.js';
import { policyInput, type PolicyFlags } from './policy-flags.js';
import { table } from './policy-table.js';

/** `rotor policy add`: checks the policy and its runbook, then writes it to the environment's Vault. */
export async function addPolicy(
  ctx: RotorContext,
  secretPath: string | undefined,
  flags: PolicyFlags,
  explicit: (option: string) => boolean,
  io: Io,
): Promise<number> {
  const policy = parsePolicy(policyInput(secretPath, flags, explicit), flags.file ?? 'policy');
  checkPolicy(ctx, policy, { sandbox: (await ctx.resolve(flags.env)).environment.sandbox });
  const { created, policy: stored, environment } = await savePolicy(ctx, flags.env, policy);
  if (flags.json) io.stdout(JSON.stringify(stored, null, 2));
  else
    io.stdout(
      `${created ? 'added' : 'replaced'} the rotation policy of ${stored.secret_path} in ${environment}: ${describeSchedule(stored)}, runbook ${runbookFor(stored)}`,
    );
  return 0;
}

/** `rotor policy list`. */
export async function listPolicies(
  ctx: RotorContext,
  options: { env?: string; json?: boolean },
  io: Io,
): Promise<number> {
  return withStores(ctx, options.env, async (stores) => {
    const { policies, broken } = await stores.policies.list();
    if (options.json) {
      io.stdout(JSON.stringify(policies, null, 2));
    } else if (policies.length === 0) {
      io.stdout(
        `no rotation policies in ${stores.environment.name}; rotor policy add <secret_path> --rotation-type scheduled --rotation-period-days 90 creates one`,
      );
    } else {
      const rows = policies.map((p: Policy) => [
        p.secret_path,
        p.rotation_type,
        describeSchedule(p),
        p.is_active ? 'yes' : 'no',
        runbookFor(p),
      ]);
      table(['SECRET', 'TYPE', 'SCHEDULE', 'ACTIVE', 'RUNBOOK'], rows).forEach((l) => io.stdout(l));
    }
    for (const b of broken) io.stderr(`rotor: ${b.reason}`);
    return broken.length > 0 ? 1 : 0;
  });
}

/** `rotor policy show <path>`. */
export async function showPolicy(
  ctx: RotorContext,
  secretPath: string,
  options: { env?: string; json?: boolean },
  io: Io,
): Promise<number> {
  return withStores(ctx, options.env, async (stores) => {
    const policy = await stores.policies.require(canonicalSecretPath(secretPath));
    if (options.json) {
      io.stdout(JSON.stringify(policy, null, 2));
      return 0;
    }
    const lines = policyLines(policy);
    const width = Math.max(...lines.map(([k]) => k.length));
    lines.forEach(([k, v]) => io.stdout(`${k.padEnd(width)}  ${v}`));
    return 0;
  });
}

/** `rotor policy remove <path>`: the history stays. */
export async function removePolicy(
  ctx: RotorContext,
  secretPath: string,
  options: { env?: string },
  io: Io,
): Promise<number> {
  const path = canonicalSecretPath(secretPath);
  return withStores(ctx, options.env, async (stores) => {
    if (!(await stores.policies.remove(path))) await stores.policies.require(path);
    io.stdout(`removed the rotation policy of ${path} from ${stores.environment.name}; its history stays`);
    return 0;
  });
}

/** `rotor policy enable|disable <path>`. */
export async function setPolicyActive(
  ctx: RotorContext,
  secretPath: string,
  active: boolean,
  options: { env?: string },
  io: Io,
): Promise<number> {
  return withStores(ctx, options.env, async (stores) => {
    const policy = await stores.policies.setActive(canonicalSecretPath(secretPath), active);
    io.stdout(
      `${policy.secret_path}: rotation ${active ? 'enabled' : 'disabled'} in ${stores.environment.name}`,
    );
    return 0;
  });
}

/** `rotor policy browse`: the policies screen (due soon, last status, a secret's history). */
export async function browsePolicies(ctx: RotorContext, options: { env?: string }, io: Io): Promise<number> {
  if (!io.isTTY)
    throw new UsageError(
      'rotor policy browse needs a terminal',
      'rotor due --all and rotor history show the same without one',
    );
  const { loadPoliciesScreen } = await import('../services/policy-screen-data.js');
  const data = await loadPoliciesScreen(ctx, options.env);
  const { browsePolicies: browse } = await import('../ui/policies-app.js');
  const run = await browse(data);
  if (run === undefined) return 0;
  return (await import('./policy-run.js')).runPolicyInTui(ctx, options.env, run, io);
}
