import type { ActionRegistry } from '../actions/index.js';
import { UsageError } from '../errors.js';
import { parseDuration } from '../runbook/duration.js';
import { isGroupStep, type ActionStep, type Runbook } from '../runbook/schema.js';
import { resolveString, type Lookup } from '../runbook/template.js';
import { reveal } from './secret.js';
import { refuseBadVaultParams } from './plan-vault-params.js';
import { rotatedSecrets } from './rotated-secrets.js';
import { rotatesTemplates } from '../runbook/rotates.js';
import type { Plan, PlannedStep, PlanSummary } from './types.js';

/** What a plan is built from besides the runbook itself. */
export interface PlanContext {
  file: string;
  runbookHash: string;
  environment: string;
  /** Resolved inputs (see resolveInputs). */
  inputs: Record<string, unknown>;
  /** Environment variables for `{{ env.X }}`. */
  env: Readonly<Record<string, string | undefined>>;
  actions: ActionRegistry;
  drill: boolean;
  protectedEnvironment?: string;
}

/** Expands a checked runbook into the steps the engine runs: defaults applied, loops unrolled. */
export function buildPlan(runbook: Runbook, context: PlanContext): Plan {
  const lookup: Lookup = (ref) => {
    if (ref.root === 'inputs') return context.inputs[ref.path[0]];
    if (ref.root === 'env') return context.env[ref.path[0]];
    throw new UsageError(
      `{{ ${ref.text} }} cannot be used in for_each: only inputs and env are known before the run`,
    );
  };
  const steps = runbook.steps.map((step): PlannedStep => {
    if (!isGroupStep(step)) return planActionStep(step, context.actions);
    const template = step.parallel.for_each;
    const children =
      template === undefined
        ? step.parallel.steps.map((child) => planActionStep(child, context.actions))
        : listItems(resolveString(template, lookup)).flatMap((item, i) =>
            step.parallel.steps.map((child) => ({
              ...planActionStep(child, context.actions),
              id: `${child.id}#${i + 1}`,
              title: `${child.title ?? child.id}: ${String(item)}`,
              item,
            })),
          );
    return {
      ...common(step),
      with: {},
      changes: children.some((c) => c.changes),
      noReturn: children.some((c) => c.noReturn),
      group: { concurrency: concurrencyOf(step.id, step.parallel.concurrency, lookup), steps: children },
    };
  });
  const forEachOf = new Map(
    runbook.steps.map((s) => [s.id, isGroupStep(s) ? s.parallel.for_each : undefined]),
  );
  const afterRollback = runbook.after_rollback.map((step) => planActionStep(step, context.actions));
  refuseBadVaultParams(
    [
      ...steps.flatMap((s) =>
        s.group
          ? s.group.steps.map((c) => ({ step: c, forEach: forEachOf.get(s.id), groupWhen: s.when }))
          : [{ step: s }],
      ),
      ...afterRollback.map((step) => ({ step })),
    ],
    context.actions,
    context,
  );
  return {
    runbookId: runbook.id,
    title: runbook.title,
    file: context.file,
    runbookHash: context.runbookHash,
    environment: context.environment,
    inputs: context.inputs,
    checklist: runbook.checklist,
    steps,
    onFailure: runbook.on_failure,
    afterRollback,
    protectedEnvironment: context.protectedEnvironment,
    drill: context.drill,
    rotates: rotatedSecrets(rotatesTemplates(runbook), lookup),
  };
}

function common(step: Runbook['steps'][number]): Omit<PlannedStep, 'with' | 'changes'> {
  return {
    id: step.id,
    title: step.title ?? step.id,
    phase: step.phase,
    when: step.when,
    retries: step.retries,
    retryDelayMs: parseDuration(step.retry_delay) ?? 1000,
    timeoutMs: step.timeout === undefined ? undefined : parseDuration(step.timeout),
    confirm: step.confirm,
    hint: step.hint,
  };
}

function planActionStep(step: ActionStep, actions: ActionRegistry): PlannedStep {
  const action = actions.get(step.do);
  return {
    ...common(step),
    action: step.do,
    with: step.with,
    changes: action?.changes ?? true,
    noReturn: action?.class === 'point-of-no-return',
  };
}

/** A group's concurrency: a number, or a template over inputs (an operator sizes the fan-out). */
function concurrencyOf(stepId: string, value: number | string, lookup: Lookup): number {
  if (typeof value === 'number') return value;
  const text = reveal(resolveString(value, lookup)).trim();
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > 256)
    throw new UsageError(
      `step ${stepId}: concurrency "${text}" is not a whole number from 1 to 256`,
      'check the input that sets it',
    );
  return n;
}

/** A for_each value: a list, or comma/newline-separated text. */
function listItems(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  return reveal(value)
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** The plan without templates or secret values, for the journal's first record and the screens. */
export function summarizePlan(plan: Plan): PlanSummary {
  return {
    runbookId: plan.runbookId,
    title: plan.title,
    file: plan.file,
    runbookHash: plan.runbookHash,
    environment: plan.environment,
    drill: plan.drill,
    inputs: plan.inputs,
    rotates: plan.rotates.map((p) => p.path),
    checklist: plan.checklist,
    steps: plan.steps.map((s) => ({
      id: s.id,
      title: s.title,
      phase: s.phase,
      changes: s.changes,
      noReturn: s.noReturn || undefined,
      action: s.action,
      children: s.group?.steps.map((c) => ({ id: c.id, title: c.title, action: c.action })),
    })),
  };
}
