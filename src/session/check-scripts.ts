import { scriptRefusal } from '../actions/script/refusal.js';
import { scriptRun } from '../actions/script/run.js';
import { previewLookup } from '../engine/lookup.js';
import type { Plan, PlannedStep } from '../engine/types.js';
import { UsageError } from '../errors.js';
import { resolveString } from '../runbook/template.js';
import type { World } from './world.js';

function* allSteps(steps: readonly PlannedStep[]): Generator<PlannedStep> {
  for (const step of steps) {
    yield step;
    if (step.group) yield* allSteps(step.group.steps);
  }
}

/** The scripts a plan will run whose paths are known before it starts (literals and inputs). */
export function plannedScripts(plan: Plan, env: Readonly<Record<string, string | undefined>>): string[] {
  const sources = { inputs: plan.inputs, outputs: new Map(), skipped: new Set<string>(), env };
  const paths = new Set<string>();
  for (const step of allSteps([...plan.steps, ...plan.afterRollback])) {
    if (step.action !== scriptRun.id || typeof step.with.path !== 'string') continue;
    const path = resolveString(step.with.path, previewLookup(sources, step.item));
    // Empty: an optional script not given (its step is skipped). A ‹placeholder›: known only later.
    if (typeof path === 'string' && path !== '' && !path.includes('‹')) paths.add(path);
  }
  return [...paths];
}

/**
 * Refuses, before the first change, a session that would run a script rotor must not trust (a
 * relative path, a file or folder others may write, a stranger's file): exit 2, nothing changed.
 * A missing script is left to its step, which says so where it fails.
 */
export async function checkScripts(
  world: World,
  plan: Plan,
  env: Readonly<Record<string, string | undefined>>,
): Promise<void> {
  const scripts = world.ports.scripts;
  if (!scripts) return;
  for (const path of plannedScripts(plan, env)) {
    const access = await scripts.access(path);
    if (typeof access !== 'object') continue;
    const refusal = scriptRefusal(path, access)!;
    throw new UsageError(`${refusal.message}; nothing was started`, refusal.hint);
  }
}
