import type { ActionRegistry } from '../actions/index.js';
import { describeStep } from '../engine/describe.js';
import { previewLookup } from '../engine/lookup.js';
import { buildPlan } from '../engine/plan.js';
import { precheckPlan } from '../engine/precheck.js';
import { resolveInputs, type GivenInputs } from '../runbook/inputs.js';
import type { LoadedRunbook } from '../runbook/load.js';
import type { EnvironmentInfo } from '../session/types.js';

/** One step of a dry run: what it would change, resolved as far as possible before running. */
export interface DryRunStep {
  id: string;
  title: string;
  phase?: string;
  action?: string;
  changes: boolean;
  when?: string;
  description: string;
}

/** The plan and what each step would change; connects to nothing and changes nothing. */
export function dryRun(
  loaded: LoadedRunbook,
  given: GivenInputs,
  environment: EnvironmentInfo,
  actions: ActionRegistry,
  env: Readonly<Record<string, string | undefined>>,
): DryRunStep[] {
  const where = { sandbox: environment.sandbox };
  const inputs = resolveInputs(loaded.runbook, given, env, { preview: true, ...where });
  const plan = buildPlan(loaded.runbook, {
    file: loaded.file,
    runbookHash: loaded.hash,
    environment: environment.name,
    inputs,
    env,
    actions,
    drill: environment.sandbox,
  });
  // What the run would refuse, the dry run refuses too (exit 2), with the same message.
  precheckPlan(plan, { runbook: loaded.runbook, actions, env, where, preview: true });
  const lookup = (item?: unknown) =>
    previewLookup({ inputs, outputs: new Map(), skipped: new Set(), env }, item);
  return plan.steps.map((step) => ({
    id: step.id,
    title: step.title,
    phase: step.phase,
    action: step.action,
    changes: step.changes,
    when: step.when,
    description: describeStep(step, actions, lookup),
  }));
}

export function formatDryRun(
  loaded: LoadedRunbook,
  environment: EnvironmentInfo,
  steps: DryRunStep[],
): string {
  const lines = [
    `Dry run of ${loaded.runbook.id} (${loaded.runbook.title}) in ${environment.name}: nothing will be changed.`,
    '',
  ];
  if (loaded.runbook.checklist.length) {
    lines.push('Pre-checklist:', ...loaded.runbook.checklist.map((c) => `  [ ] ${c}`), '');
  }
  steps.forEach((s, i) => {
    const mark = s.changes ? 'CHANGES' : 'reads  ';
    lines.push(
      `${String(i + 1).padStart(2)}. [${mark}] ${s.title}${s.action ? `  (${s.action})` : ''}${s.when ? `  when ${s.when}` : ''}`,
    );
    for (const line of s.description.split('\n')) lines.push(`      ${line}`);
  });
  lines.push('', `On failure: ${loaded.runbook.on_failure}.`);
  return lines.join('\n');
}
