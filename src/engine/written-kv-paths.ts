import type { ActionRegistry } from '../actions/index.js';
import { vaultParamKind } from '../actions/vault/params.js';
import { reveal } from './secret.js';
import { resolveString, stringsIn, type Lookup } from '../runbook/template.js';
import type { Plan, PlannedStep } from './types.js';

function allSteps(steps: readonly PlannedStep[]): PlannedStep[] {
  return steps.flatMap((s) => [s, ...allSteps(s.group?.steps ?? [])]);
}

/** Replaces every string of a value: the probe that shows which parameters are KV paths. */
function everyString(value: unknown, text: string): unknown {
  if (typeof value === 'string') return text;
  if (Array.isArray(value)) return value.map((v) => everyString(v, text));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, everyString(v, text)]));
  return value;
}

const samePath = (a: readonly PropertyKey[], b: readonly PropertyKey[]) =>
  a.length === b.length && a.every((k, i) => k === b[i]);

/**
 * The KV paths the changing steps of a plan name, as far as inputs, `env` and loop items tell
 * before the run: what a lock must cover whatever the runbook calls its inputs. A parameter is a
 * KV path when the action's own schema checks it as one (probed with a spelling that schema
 * refuses), so no list of parameter names can fall behind the actions.
 */
export function writtenKvPaths(
  plan: Plan,
  actions: ActionRegistry,
  env: Readonly<Record<string, string | undefined>>,
): string[] {
  const found: string[] = [];
  for (const step of allSteps([...plan.steps, ...plan.afterRollback])) {
    const action = step.action ? actions.get(step.action) : undefined;
    if (!action || !step.changes || step.with === undefined) continue;
    let kvParams: PropertyKey[][] = [];
    try {
      const probe = action.params.safeParse(everyString(step.with, '..'));
      if (!probe.success)
        kvParams = probe.error.issues.filter((i) => vaultParamKind(i) === 'kv-path').map((i) => i.path);
    } catch {
      // A schema that throws on the probe names no path here; the step's own checks still run.
    }
    if (kvParams.length === 0) continue;
    const lookup: Lookup = (ref) => {
      if (ref.root === 'inputs' && ref.path.length === 1 && ref.path[0] in plan.inputs)
        return plan.inputs[ref.path[0]];
      if (ref.root === 'env' && env[ref.path[0]] !== undefined) return env[ref.path[0]];
      if (ref.root === 'item' && ref.path.length === 0 && step.item !== undefined) return step.item;
      throw new Error('not known before the run');
    };
    for (const [text, path] of stringsIn(step.with)) {
      if (!kvParams.some((p) => samePath(p, path))) continue;
      try {
        const value = reveal(resolveString(text, lookup));
        if (typeof value === 'string' && value !== '') found.push(value);
      } catch {
        // Known only once a step has run (read from Vault): the plan's inputs name the rest.
      }
    }
  }
  return found;
}
