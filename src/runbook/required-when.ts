import { reveal } from '../engine/secret.js';
import { truthy } from './template.js';

/**
 * `required_when:` on an input: a small condition over another input, so a runbook can say
 * that `external_secret` is needed once `kubernetes` is true. Three forms, as `when:` reads:
 * `kubernetes` (truthy), `not kubernetes`, and `mode == acl` / `mode != acl`.
 */
export interface RequiredWhen {
  input: string;
  op?: '==' | '!=' | 'not';
  literal?: string;
}

const FORM = /^(?:(not)\s+)?([a-z][a-z0-9_-]*)(?:\s*(==|!=)\s*(?:'([^']*)'|"([^"]*)"|([^\s'"]+)))?$/;

/** Parses a condition; undefined when it is not one of the three forms (the loader says so). */
export function parseRequiredWhen(text: string): RequiredWhen | undefined {
  const m = FORM.exec(text.trim());
  if (!m || (m[1] && m[3])) return undefined;
  if (m[1]) return { input: m[2], op: 'not' };
  if (m[3]) return { input: m[2], op: m[3] as '==' | '!=', literal: m[4] ?? m[5] ?? m[6] };
  return { input: m[2] };
}

/** Whether the condition holds for these input values (defaults already applied). */
export function requiredWhenHolds(condition: RequiredWhen, values: Record<string, unknown>): boolean {
  const value = values[condition.input];
  if (condition.op === 'not') return !truthy(value);
  if (condition.op === '==') return reveal(value ?? '') === condition.literal;
  if (condition.op === '!=') return reveal(value ?? '') !== condition.literal;
  return truthy(value);
}

/** The condition in words, for messages and the inputs form: "kubernetes is true". */
export function describeRequiredWhen(condition: RequiredWhen): string {
  if (condition.op === 'not') return `${condition.input} is false`;
  if (condition.op === '==') return `${condition.input} is ${condition.literal}`;
  if (condition.op === '!=') return `${condition.input} is not ${condition.literal}`;
  return `${condition.input} is true`;
}
