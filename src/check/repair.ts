import type { Policy } from '../policy/policy.js';
import { runbookFor } from '../policy/runbook-choice.js';
import type { StaleWorkload } from './judge-pods.js';
import type { HopName, Repair } from './types.js';

/** The runbook that syncs an ExternalSecret again and restarts a workload that reads its Secret. */
export const PROPAGATE_RUNBOOK = 'propagate';

/** What a repair may be built from. */
export interface RepairFacts {
  path: string;
  environment?: string;
  policy?: Policy;
  /** The ExternalSecret (namespace/name) whose hop broke, for a sync repair. */
  externalSecret?: { namespace: string; name: string };
  /** Workloads to restart (pods hop), or every consumer of the ExternalSecret's Secret (sync hop). */
  workloads: readonly StaleWorkload[];
}

const quote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

function commandFor(runbook: string, inputs: Record<string, string>, environment?: string): string {
  const sets = Object.entries(inputs).map(([k, v]) => `--set ${quote(`${k}=${v}`)}`);
  return ['rotor run', runbook, ...(environment ? [`--env ${quote(environment)}`] : []), ...sets].join(' ');
}

function propagate(ns: string, es: string, workload: StaleWorkload | undefined, env?: string): Repair {
  const inputs: Record<string, string> = { namespace: ns, external_secret: es };
  if (workload) Object.assign(inputs, { kind: workload.kind, workload: workload.name });
  return { runbook: PROPAGATE_RUNBOOK, inputs, command: commandFor(PROPAGATE_RUNBOOK, inputs, env) };
}

/**
 * The command that repairs the first broken hop: the policy's runbook for a secret overdue or
 * refused by its target (a rotation), `propagate` for a Secret that lags Vault or pods that
 * predate it (sync, then restart each workload). None when rotor has nothing that would help
 * (Vault unreachable, a path without a policy to rotate it by).
 */
export function repairFor(hop: HopName, facts: RepairFacts): Repair | undefined {
  if (hop === 'vault' || hop === 'target') {
    if (!facts.policy) return undefined;
    const runbook = runbookFor(facts.policy);
    const inputs: Record<string, string> = { ...facts.policy.inputs, secret_path: facts.path };
    if (facts.policy.rotation_script_path) inputs.script_path = facts.policy.rotation_script_path;
    return { runbook, inputs, command: commandFor(runbook, inputs, facts.environment) };
  }
  const workloads =
    hop === 'secret' && facts.externalSecret
      ? facts.workloads.filter(
          (w) =>
            w.namespace === facts.externalSecret!.namespace &&
            w.externalSecret === facts.externalSecret!.name,
        )
      : facts.workloads;
  if (hop === 'secret' && facts.externalSecret) {
    const { namespace, name } = facts.externalSecret;
    const steps = (workloads.length ? workloads : [undefined]).map((w) =>
      propagate(namespace, name, w, facts.environment),
    );
    return { ...steps[0], command: steps.map((s) => s.command).join(' && ') };
  }
  if (hop === 'pods' && workloads.length) {
    const steps = workloads.map((w) => propagate(w.namespace, w.externalSecret, w, facts.environment));
    return { ...steps[0], command: steps.map((s) => s.command).join(' && ') };
  }
  return undefined;
}
