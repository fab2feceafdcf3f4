import type { z } from 'zod';
import { isSecret, reveal } from './secret.js';
import { resolveString, type Lookup } from '../runbook/template.js';

/**
 * Checking parameters before the first step, when earlier steps' outputs are not known yet.
 * A string that refers to a step stands as `UNKNOWN`; the check then judges only what does not
 * depend on it, so a placeholder never makes a parameter look wrong.
 */
export const UNKNOWN: unique symbol = Symbol('known once earlier steps have run');

/** Thrown by a pre-check lookup for `{{ steps.… }}` (and, in a dry run, for variables only the
 * environment's world sets); resolveKnown turns it into UNKNOWN. */
export const NOT_YET_KNOWN = new Error('known only once the run is under way');

/** Resolves every string it can; one that refers to an earlier step becomes UNKNOWN. */
export function resolveKnown(value: unknown, lookup: Lookup): unknown {
  if (typeof value === 'string') {
    try {
      const resolved = resolveString(value, lookup);
      // A dry run's ‹env.X› stands for a value known once connected: not a value to judge.
      return reveal(resolved).includes('‹env.') ? UNKNOWN : resolved;
    } catch (error) {
      if (error === NOT_YET_KNOWN) return UNKNOWN;
      throw error;
    }
  }
  if (Array.isArray(value)) return value.map((v) => resolveKnown(v, lookup));
  if (value && typeof value === 'object' && !isSecret(value))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveKnown(v, lookup)]));
  return value;
}

function hasUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(hasUnknown);
  if (value && typeof value === 'object' && !isSecret(value)) return Object.values(value).some(hasUnknown);
  return false;
}

/** The first problem found, with its path inside the parameters. */
export interface ParamIssue {
  path: PropertyKey[];
  message: string;
}

/**
 * Validates what is known. A value with nothing unknown is parsed whole by its schema, exactly
 * as the run will. Otherwise, if the schema is an object, each field is judged on its own
 * (field schemas cannot see their siblings, so a field that passes here passes then); checks
 * over the whole object wait for the run. Anything else with an unknown part is not judged.
 */
export function checkKnown(
  schema: z.ZodType,
  value: unknown,
  path: PropertyKey[] = [],
): ParamIssue | undefined {
  if (!hasUnknown(value)) {
    const parsed = schema.safeParse(value);
    if (parsed.success) return undefined;
    const issue = parsed.error.issues[0];
    return { path: [...path, ...issue.path], message: issue.message };
  }
  const shape = objectShape(schema);
  if (!shape || !value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const fields = value as Record<string, unknown>;
  for (const [key, field] of Object.entries(shape)) {
    const issue = checkKnown(field, fields[key], [...path, key]);
    if (issue) return issue;
  }
  return undefined;
}

/** The fields of an object schema, through optional/default wrappers; undefined for anything else. */
function objectShape(schema: z.ZodType): Record<string, z.ZodType> | undefined {
  let current = schema as unknown as {
    _zod?: { def: { type: string; innerType?: unknown; shape?: unknown } };
  };
  for (let depth = 0; depth < 8 && current?._zod; depth++) {
    const def = current._zod.def;
    if (def.type === 'object') return def.shape as Record<string, z.ZodType>;
    if (!['optional', 'default', 'nullable', 'prefault', 'readonly'].includes(def.type)) return undefined;
    current = def.innerType as typeof current;
  }
  return undefined;
}
