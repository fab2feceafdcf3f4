import type { ActionRegistry } from '../actions/index.js';
import { vaultParamChecks, vaultParamKind } from '../actions/vault/params.js';
import { isGroupStep, type ActionStep, type Runbook } from '../runbook/schema.js';
import { resolveString, truthy, type Lookup } from '../runbook/template.js';
import type { PlannedStep } from './types.js';

/** What the check can know before a run: inputs, env, and the loop item; never a step's outputs. */
interface Known {
  inputs: Record<string, unknown>;
  env: Readonly<Record<string, string | undefined>>;
}

const UNKNOWN = Symbol('not known before the run');

function lookupFor(known: Known, item: unknown): Lookup {
  return (ref) => {
    if (ref.root === 'inputs' && ref.path.length === 1 && ref.path[0] in known.inputs)
      return known.inputs[ref.path[0]];
    if (ref.root === 'env' && known.env[ref.path[0]] !== undefined) return known.env[ref.path[0]];
    if (ref.root === 'item' && ref.path.length === 0 && item !== undefined) return item;
    throw UNKNOWN;
  };
}

/** Resolves what can be resolved now; a value that needs a step's output is left out. */
function resolveKnown(value: unknown, lookup: Lookup): unknown {
  if (typeof value === 'string') {
    try {
      return resolveString(value, lookup);
    } catch {
      return undefined; // an unknown reference, or a malformed one the run will report
    }
  }
  if (Array.isArray(value)) return value.map((v) => resolveKnown(v, lookup));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveKnown(v, lookup)]));
  return value;
}

function at(value: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as any)[k] : undefined), value);
}

const INPUT = /^\{\{\s*inputs\.([A-Za-z0-9_-]+)\s*\}\}$/;
const ITEM = /^\{\{\s*item\s*\}\}$/;

/** Where the text came from, for the message: the input an operator can fix, else the step's parameter. */
function labelOf(raw: unknown, stepId: string, param: string, forEach: string | undefined): string {
  const text = typeof raw === 'string' ? raw : '';
  const input = INPUT.exec(text)?.[1] ?? (ITEM.test(text) && forEach ? INPUT.exec(forEach)?.[1] : undefined);
  return input ? `input ${input}` : `step ${stepId}: ${param}`;
}

/**
 * Refuses a Vault path or engine name that is wrong before anything runs (a `..` in an input, a
 * runbook's literal `secret/data/…`): the same checks the actions' parameters make, but while
 * nothing, not even a lock or a journal, has been written. Throws a VaultPathError (exit 2).
 */
export function refuseBadVaultParams(
  steps: readonly { step: PlannedStep; forEach?: string; groupWhen?: string }[],
  actions: ActionRegistry,
  known: Known,
): void {
  for (const { step, forEach, groupWhen } of steps) {
    const action = step.action ? actions.get(step.action) : undefined;
    if (!action) continue;
    const lookup = lookupFor(known, step.item);
    const skipped = [groupWhen, step.when].some((w) => {
      const when = w === undefined ? undefined : resolveKnown(w, lookup);
      return when !== undefined && !truthy(when);
    });
    if (skipped) continue; // its parameters never reach Vault
    const partial = resolveKnown(step.with, lookup);
    const parsed = action.params.safeParse(partial);
    if (parsed.success) continue;
    for (const issue of parsed.error.issues) {
      const kind = vaultParamKind(issue);
      if (!kind) continue;
      const label = labelOf(at(step.with, issue.path), step.id, issue.path.join('.'), forEach);
      vaultParamChecks[kind](String(at(partial, issue.path)), label);
    }
  }
}

/**
 * The same check for inputs kept before any run (a policy's `--input connection=…`): only what
 * is given is judged, loops are not unrolled, and inputs left to the run are not guessed.
 */
export function refuseBadVaultInputs(
  runbook: Runbook,
  inputs: Record<string, unknown>,
  actions: ActionRegistry,
): void {
  const asPlanned = (s: ActionStep) =>
    ({ id: s.id, action: s.do, with: s.with, when: s.when }) as PlannedStep;
  refuseBadVaultParams(
    [
      ...runbook.steps.flatMap((s) =>
        isGroupStep(s)
          ? s.parallel.steps.map((c) => ({
              step: asPlanned(c),
              forEach: s.parallel.for_each,
              groupWhen: s.when,
            }))
          : [{ step: asPlanned(s) }],
      ),
      ...runbook.after_rollback.map((s) => ({ step: asPlanned(s) })),
    ],
    actions,
    { inputs, env: {} },
  );
}
