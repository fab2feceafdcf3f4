import { Secret, isSecret, reveal } from '../engine/secret.js';

/** Where a reference points: `inputs.x`, `steps.id.output[.more]`, `env.X`, `item[.field]`. */
export interface Reference {
  root: 'inputs' | 'steps' | 'env' | 'item';
  path: string[];
  /** As written, for messages. */
  text: string;
}

/** One `{{ … }}` expression: a reference, optionally compared with a literal or negated. */
export interface Expression {
  ref: Reference;
  op?: '==' | '!=' | 'not';
  literal?: string;
}

const TEMPLATE = /\{\{\s*(.*?)\s*\}\}/g;
const REFERENCE = /^(inputs|steps|env|item)((?:\.[A-Za-z0-9_-]+)*)$/;
const COMPARISON = /^(\S+)\s*(==|!=)\s*(?:'([^']*)'|"([^"]*)"|(\S+))$/;

/** Parses the inside of `{{ }}`; throws a message naming the expression when it is malformed. */
export function parseExpression(source: string): Expression {
  let refText = source;
  let op: Expression['op'];
  let literal: string | undefined;
  const comparison = COMPARISON.exec(source);
  if (comparison) {
    refText = comparison[1];
    op = comparison[2] as '==' | '!=';
    literal = comparison[3] ?? comparison[4] ?? comparison[5];
  } else if (source.startsWith('not ')) {
    refText = source.slice(4).trim();
    op = 'not';
  }
  const match = REFERENCE.exec(refText);
  if (!match) {
    throw new Error(
      `"{{ ${source} }}" is not a reference: write {{ inputs.<name> }}, {{ steps.<id>.<output> }}, {{ env.<NAME> }} or {{ item }}`,
    );
  }
  const path = match[2] ? match[2].slice(1).split('.') : [];
  return { ref: { root: match[1] as Reference['root'], path, text: refText }, op, literal };
}

/** Every expression in a string, in order. */
export function expressionsIn(text: string): string[] {
  return [...text.matchAll(TEMPLATE)].map((m) => m[1]);
}

/** Every string inside a value (nested objects and arrays), with its path, for load-time checks. */
export function* stringsIn(
  value: unknown,
  path: (string | number)[] = [],
): Generator<[string, (string | number)[]]> {
  if (typeof value === 'string') yield [value, path];
  else if (Array.isArray(value))
    for (let i = 0; i < value.length; i++) yield* stringsIn(value[i], [...path, i]);
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) yield* stringsIn(v, [...path, k]);
}

/** Looks a reference up at run time; throws when it is not available. */
export type Lookup = (ref: Reference) => unknown;

function evaluate(expression: Expression, lookup: Lookup): unknown {
  const value = lookup(expression.ref);
  if (expression.op === 'not') return !truthy(value);
  if (expression.op === '==') return reveal(value) === expression.literal;
  if (expression.op === '!=') return reveal(value) !== expression.literal;
  return value;
}

/**
 * Resolves one string. A string that is a single `{{ }}` keeps the value's type (a number, a
 * list, a Secret); text mixing literal parts and references becomes a string, or a Secret when
 * any part is secret, so a URL with an embedded password stays masked.
 */
export function resolveString(text: string, lookup: Lookup): unknown {
  const whole = /^\{\{\s*(.*?)\s*\}\}$/.exec(text);
  if (whole && !whole[1].includes('}}')) return evaluate(parseExpression(whole[1]), lookup);
  let secret = false;
  const labels: string[] = [];
  const out = text.replace(TEMPLATE, (_m, inner: string) => {
    const value = evaluate(parseExpression(inner), lookup);
    if (isSecret(value)) {
      secret = true;
      labels.push(value.label);
    }
    return reveal(value);
  });
  return secret ? new Secret(out, labels.join('+')) : out;
}

/** Resolves every string inside a value, keeping its shape. */
export function resolveDeep(value: unknown, lookup: Lookup): unknown {
  if (typeof value === 'string') return resolveString(value, lookup);
  if (Array.isArray(value)) return value.map((v) => resolveDeep(v, lookup));
  if (value && typeof value === 'object' && !isSecret(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveDeep(v, lookup)]));
  }
  return value;
}

/** How `when:` reads a value: false, "false", "no", "0", "" and absent mean no. */
export function truthy(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 0) return false;
  if (typeof value === 'string') return !['', 'false', 'no', '0', 'off'].includes(value.trim().toLowerCase());
  return true;
}
