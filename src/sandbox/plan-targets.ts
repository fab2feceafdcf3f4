import type { Ports } from '../ports/index.js';
import { isSecret, reveal } from '../engine/secret.js';
import type { Plan, PlannedStep } from '../engine/types.js';
import {
  expressionsIn,
  parseExpression,
  resolveString,
  stringsIn,
  type Lookup,
} from '../runbook/template.js';
import { dialledAddress, dialledAddresses, guardTarget, type SandboxTargets } from './target-guard.js';

/** Thrown by the lookup for values only known once steps have run: such a parameter is checked when dialled. */
class NotYetKnown extends Error {}

function allSteps(steps: readonly PlannedStep[]): PlannedStep[] {
  return steps.flatMap((s) => [s, ...allSteps(s.group?.steps ?? [])]);
}

/** The first input a parameter's text refers to, so the refusal names what the operator set. */
function inputNamed(text: string): string | undefined {
  for (const inner of expressionsIn(text)) {
    try {
      const { ref } = parseExpression(inner);
      if (ref.root === 'inputs') return ref.path[0];
    } catch {
      // The runbook was checked at load; a malformed expression is not this check's to report.
    }
  }
  return undefined;
}

/** Every address inside a value; secrets are revealed only to find a URL's host:port (never shown). */
function addressesIn(value: unknown): string[] {
  if (isSecret(value)) return dialledAddresses(reveal(value), { secret: true });
  if (typeof value === 'string') return dialledAddresses(value);
  if (Array.isArray(value)) return value.flatMap(addressesIn);
  if (value && typeof value === 'object') return Object.values(value).flatMap(addressesIn);
  return [];
}

/**
 * The parameters actions dial (http.* url; postgres.* url; redis.* nodes; rabbitmq.* api_url and
 * amqp_url; the rotate.* composites nest the same names). Other strings are data (a CronJob
 * manifest's VAULT_ADDR is written, not dialled), so they are not judged here.
 */
const DIALLED = new Set(['url', 'api_url', 'amqp_url', 'nodes', 'node']);

/**
 * Before the first step of a sandbox session: the Vault and Kubernetes it is connected to, and
 * every parameter a step dials that is known from inputs, `env` and loop items alone, must name a
 * sandbox target. The first that does not is refused with a UsageError naming the input it came
 * from (or the step and parameter): exit 2, nothing changed. Values only known at run time (read
 * from Vault, output by a step) are checked where they are dialled (routing-ports.ts).
 */
export function checkPlanTargets(
  plan: Plan,
  env: Readonly<Record<string, string | undefined>>,
  ports: Ports,
  targets: SandboxTargets,
): void {
  if (targets.allowReal) return;
  if (ports.vault) guardTarget(targets, 'Vault', dialledAddress(ports.vault.address) ?? ports.vault.address);
  if (ports.kube) {
    const server = /\(([^()]+)\)$/.exec(ports.kube.where)?.[1] ?? ports.kube.where;
    guardTarget(targets, 'Kubernetes', server);
  }
  forEachDialled(plan, env, (what, input, resolved) => {
    for (const address of addressesIn(resolved)) guardTarget(targets, what, address, { input });
  });
}

/**
 * Every text a step dials that is known before the first step (secrets revealed, for the caller
 * to find addresses in and never to show): the `k8s://` targets are checked from these.
 */
export function dialledTexts(plan: Plan, env: Readonly<Record<string, string | undefined>>): string[] {
  const out: string[] = [];
  const collect = (value: unknown): void => {
    if (isSecret(value)) out.push(reveal(value));
    else if (typeof value === 'string') out.push(value);
    else if (Array.isArray(value)) value.forEach(collect);
    else if (value && typeof value === 'object') Object.values(value).forEach(collect);
  };
  forEachDialled(plan, env, (_what, _input, resolved) => collect(resolved));
  return out;
}

/** Calls `fn` with each dialled parameter's value resolved from inputs, `env` and loop items. */
function forEachDialled(
  plan: Plan,
  env: Readonly<Record<string, string | undefined>>,
  fn: (what: string, input: string | undefined, resolved: unknown) => void,
): void {
  for (const step of allSteps([...plan.steps, ...plan.afterRollback])) {
    const lookup: Lookup = (ref) => {
      if (ref.root === 'inputs') return plan.inputs[ref.path[0]];
      if (ref.root === 'env') return env[ref.path[0]];
      if (ref.root === 'item' && ref.path.length === 0) return step.item;
      throw new NotYetKnown();
    };
    for (const [text, path] of stringsIn(step.with)) {
      if (!path.some((key) => typeof key === 'string' && DIALLED.has(key))) continue;
      let resolved: unknown;
      try {
        resolved = resolveString(text, lookup);
      } catch {
        continue;
      }
      const input = inputNamed(text);
      fn(input ? `input ${input}` : `step ${step.id} parameter ${path.join('.')}`, input, resolved);
    }
  }
}
