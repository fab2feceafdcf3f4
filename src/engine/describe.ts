import type { ActionRegistry } from '../actions/index.js';
import { resolveDeep, type Lookup } from '../runbook/template.js';
import type { PlannedStep } from './types.js';

const SHOWN_CHILDREN = 6;

/**
 * What a step will change, in words, for the approval prompt and dry runs. Never throws: a step
 * whose parameters cannot be resolved yet says so instead.
 */
export function describeStep(
  step: PlannedStep,
  actions: ActionRegistry,
  lookup: (item?: unknown) => Lookup,
): string {
  if (step.group) {
    const lines = step.group.steps
      .slice(0, SHOWN_CHILDREN)
      .map((child) => `• ${child.title}: ${describeStep(child, actions, lookup)}`);
    const more = step.group.steps.length - SHOWN_CHILDREN;
    if (more > 0) lines.push(`… and ${more} more`);
    return `${step.group.steps.length} steps in parallel (at most ${step.group.concurrency} at once):\n${lines.join('\n')}`;
  }
  const action = actions.get(step.action ?? '');
  if (!action) return `unknown action ${step.action}`;
  try {
    const resolved = resolveDeep(step.with, lookup(step.item));
    const parsed = action.params.safeParse(resolved);
    return action.describe(parsed.success ? parsed.data : looseParse(action.params, resolved));
  } catch (error) {
    return `${action.summary} (details once earlier steps have run: ${(error as Error).message.split('\n')[0]})`;
  }
}

/**
 * Parses key by key, keeping the raw value where a key does not validate yet: a dry run shows
 * ‹steps.backup.version› where a number will be, and the description should still read well.
 */
function looseParse(schema: unknown, value: unknown): unknown {
  const shape = (
    schema as { shape?: Record<string, { safeParse(v: unknown): { success: boolean; data?: unknown } }> }
  ).shape;
  if (!shape || !value || typeof value !== 'object') return value;
  const raw = value as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(shape).map(([key, field]) => {
      const parsed = field.safeParse(raw[key]);
      return [key, parsed.success ? parsed.data : raw[key]];
    }),
  );
}
