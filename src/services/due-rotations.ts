import { lastRotated } from '../policy/due.js';
import type { GivenInputs } from '../runbook/inputs.js';
import type { DueItem } from '../policy/due-index.js';
import type { Policy } from '../policy/policy.js';
import { rotationInputs } from '../policy/policy-runbook.js';
import { dueReport } from '../policy/rotation-queries.js';
import { runbookFor } from '../policy/runbook-choice.js';
import type { RotorContext } from './rotor-context.js';
import { withStores, type StoreHost } from './stores.js';

/** One line of `rotor due --json`. */
export interface DueLine {
  secret_path: string;
  due: boolean;
  scheduled: boolean;
  next_rotation?: string;
  reason: string;
  runbook: string;
  last_rotated?: string;
  last_status?: string;
  /** The policy's secret does not exist in Vault (shown by `rotor due` too: the policy needs a look). */
  secret_missing?: boolean;
}

/** A policy's due state as `rotor due --json` and the library's dueRotations give it. */
export function dueLine(item: DueItem): DueLine {
  return {
    secret_path: item.policy.secret_path,
    due: item.state.due,
    scheduled: item.state.scheduled,
    next_rotation: item.state.next?.toISOString(),
    reason: item.state.reason,
    runbook: runbookFor(item.policy),
    last_rotated: lastRotated(item.status?.last_success, item.age),
    last_status: item.status?.last_status,
    ...(item.state.missing ? { secret_missing: true } : {}),
  };
}

/**
 * Which policies are due (with `all`, every policy's state) and the ones that could not be read,
 * with the environment's name. Built to stay fast with 10,000 policies (see due-index.ts).
 */
export function readDue(
  host: StoreHost,
  environment: string | undefined,
  now: Date,
  options: { all?: boolean } = {},
): Promise<{ environment: string } & Awaited<ReturnType<typeof dueReport>>> {
  return withStores(host, environment, async (stores) => ({
    environment: stores.environment.name,
    ...(await dueReport(stores, now, { onlyDue: !options.all })),
  }));
}

/** The policies due now in an environment: what `rotor run --due` rotates. */
export async function duePolicies(
  host: StoreHost,
  environment: string | undefined,
  now: Date,
): Promise<Policy[]> {
  return (await readDue(host, environment, now)).items.filter((i) => i.state.due).map((i) => i.policy);
}

/** The due secrets' lines (the library's dueRotations). */
export async function dueLines(
  host: StoreHost,
  environment: string | undefined,
  now: Date,
): Promise<DueLine[]> {
  return (await readDue(host, environment, now)).items.filter((i) => i.state.due).map(dueLine);
}

/** What `rotor run --due --dry-run` would run for one policy. */
export interface PlannedRotation {
  secret_path: string;
  runbook: string;
  inputs: GivenInputs;
  max_retries: number;
  rollback_on_failure: boolean;
}

/** The runbook and inputs each due policy would run with; changes nothing. */
export function planRotations(ctx: RotorContext, due: readonly Policy[]): PlannedRotation[] {
  return due.map((policy) => {
    const loaded = ctx.findRunbook(runbookFor(policy));
    return {
      secret_path: policy.secret_path,
      runbook: loaded.runbook.id,
      inputs: rotationInputs(policy, loaded.runbook.inputs),
      max_retries: policy.max_retries,
      rollback_on_failure: policy.rollback_on_failure,
    };
  });
}
