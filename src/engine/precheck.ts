import type { ActionRegistry } from '../actions/index.js';
import { UsageError, describeError } from '../errors.js';
import { inputRemedy, type RemedyWhere } from '../runbook/input-remedy.js';
import { isGroupStep, type Runbook } from '../runbook/schema.js';
import { expressionsIn, parseExpression, stringsIn, truthy, type Lookup } from '../runbook/template.js';
import { sessionLookup } from './lookup.js';
import { NOT_YET_KNOWN, UNKNOWN, checkKnown, resolveKnown } from './partial-params.js';
import type { Plan, PlannedStep } from './types.js';

/** What the pre-check reads besides the plan. */
export interface PrecheckContext {
  runbook: Runbook;
  actions: ActionRegistry;
  env: Readonly<Record<string, string | undefined>>;
  where: RemedyWhere;
  /** A dry run: variables not set yet come from the world once connected, so they are not judged. */
  preview?: boolean;
}

/**
 * Before the first step (before a lock, a journal or any change): every step that may run,
 * the after_rollback steps included, gets its parameters resolved from inputs, env and loop
 * items and validated by its action's own schema. A step's `when` that is known to be false
 * exempts it. A failure is a UsageError (exit 2) naming the step, the parameter and the input
 * to set, so a run that could only fail halfway (and then fail again in after_rollback) never
 * starts.
 */
export function precheckPlan(plan: Plan, context: PrecheckContext): void {
  const sources = { inputs: plan.inputs, outputs: new Map(), skipped: new Set<string>(), env: context.env };
  const lookupFor = (item?: unknown): Lookup => {
    const live = sessionLookup(sources, item);
    return (ref) => {
      if (ref.root === 'steps') throw NOT_YET_KNOWN;
      if (ref.root === 'env' && context.preview && context.env[ref.path[0]] === undefined)
        throw NOT_YET_KNOWN;
      return live(ref);
    };
  };
  const all = [...plan.steps, ...plan.afterRollback];
  for (const step of all) {
    if (!mayRun(step, lookupFor(step.item), context)) continue;
    for (const child of step.group?.steps ?? [step]) {
      if (child !== step && !mayRun(child, lookupFor(child.item), context)) continue;
      checkStep(child, lookupFor(child.item), context, groupOf(context.runbook, child.id));
    }
  }
}

/** False only when `when` is known to be false; unknown (it reads a step) counts as "may run". */
function mayRun(step: PlannedStep, lookup: Lookup, context: PrecheckContext): boolean {
  if (step.when === undefined) return true;
  let value: unknown;
  try {
    value = resolveKnown(step.when, lookup);
  } catch (error) {
    throw refusal(step, 'when', describeError(error).split('\n')[0], step.when, context);
  }
  return value === UNKNOWN || truthy(value);
}

function checkStep(step: PlannedStep, lookup: Lookup, context: PrecheckContext, forEach?: string): void {
  const action = context.actions.get(step.action ?? '');
  if (!action) return; // the loader refuses unknown actions
  let resolved: unknown;
  try {
    resolved = resolveKnown(step.with, lookup);
  } catch (error) {
    throw refusal(step, 'with', describeError(error).split('\n')[0], step.with, context, forEach);
  }
  const issue = checkKnown(action.params, resolved);
  if (!issue) return;
  const key = issue.path[0];
  const raw = key === undefined ? step.with : step.with[String(key)];
  const parameter = issue.path.length ? `parameter "${issue.path.join('.')}"` : 'its parameters';
  throw refusal(step, parameter, issue.message, raw, context, forEach);
}

/** The group whose for_each produced this child (`child#2`), for the input behind `{{ item }}`. */
function groupOf(runbook: Runbook, childId: string): string | undefined {
  const id = childId.replace(/#\d+$/, '');
  if (id === childId) return undefined;
  for (const step of runbook.steps)
    if (isGroupStep(step) && step.parallel.steps.some((c) => c.id === id)) return step.parallel.for_each;
  return undefined;
}

/** One message: the step, what is wrong, the input(s) it comes from and how to set them. */
function refusal(
  step: PlannedStep,
  what: string,
  problem: string,
  raw: unknown,
  context: PrecheckContext,
  forEach?: string,
): UsageError {
  const refs = referencesIn(raw);
  if (refs.item && forEach) for (const name of referencesIn(forEach).inputs) refs.inputs.add(name);
  const inputs = [...refs.inputs];
  const from = inputs.length
    ? `; it comes from the input${inputs.length > 1 ? 's' : ''} ${inputs.join(', ')}`
    : refs.env.size
      ? `; it comes from the environment variable ${[...refs.env].join(', ')}`
      : '';
  const hint = inputs.length
    ? inputs.map((name) => inputRemedy(name, context.runbook.inputs[name] ?? {}, context.where)).join('; ')
    : refs.env.size
      ? `export ${[...refs.env].map((v) => `${v}=<value>`).join(' ')}`
      : `the runbook itself gives this value: fix step ${step.id.replace(/#\d+$/, '')} in ${context.runbook.id}'s file`;
  return new UsageError(
    `step ${step.id}${step.action ? ` (${step.action})` : ''}: ${what}: ${problem}${from}; nothing was changed`,
    hint,
  );
}

function referencesIn(value: unknown): { inputs: Set<string>; env: Set<string>; item: boolean } {
  const found = { inputs: new Set<string>(), env: new Set<string>(), item: false };
  for (const [text] of stringsIn(value)) {
    for (const source of expressionsIn(text)) {
      try {
        const { ref } = parseExpression(source);
        if (ref.root === 'inputs' && ref.path[0]) found.inputs.add(ref.path[0]);
        if (ref.root === 'env' && ref.path[0]) found.env.add(ref.path[0]);
        if (ref.root === 'item') found.item = true;
      } catch {
        // the loader refuses malformed expressions
      }
    }
  }
  return found;
}
