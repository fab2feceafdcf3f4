import { labelValueError, qualifiedNameErrors } from './meta.js';
import { badRequest, fieldInvalid } from './status.js';
import type { KubeObject } from './store.js';

type Requirement = (labels: Record<string, string>) => boolean;

/** Parses a label selector (`a=b,c!=d,e in (f,g),!h`) as the API server does; bad syntax is 400. */
export function parseLabelSelector(selector: string | undefined): Requirement {
  if (!selector || !selector.trim()) return () => true;
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  const requirements = parts.map((raw) => parseRequirement(raw.trim(), selector));
  return (labels) => requirements.every((r) => r(labels));
}

const KEY = /^([a-z0-9A-Z.\-/_]+)$/;

/** NewRequirement's checks: a qualified key and valid label values, else 400 as labels.Parse fails. */
function checked(key: string, values: string[]): void {
  const keyError = qualifiedNameErrors(key);
  const bad = keyError
    ? fieldInvalid('key', key, keyError)
    : values
        .map((v, i) => ({ v, i, error: labelValueError(v) }))
        .filter((x) => x.error)
        .map((x) => fieldInvalid(`values[${x.i}][${key}]`, x.v, x.error!))[0];
  if (bad) throw badRequest(`unable to parse requirement: ${bad.field}: ${bad.message}`);
}

function parseRequirement(raw: string, whole: string): Requirement {
  const requirement = parseSyntax(raw, whole);
  checked(requirement.key, requirement.values);
  return requirement.test;
}

function parseSyntax(raw: string, whole: string): { key: string; values: string[]; test: Requirement } {
  let m: RegExpExecArray | null;
  if ((m = /^!\s*(\S+)$/.exec(raw)) && KEY.test(m[1])) {
    const key = m[1];
    return { key, values: [], test: (l) => !(key in l) };
  }
  if ((m = /^(\S+?)\s*(==|!=|=)\s*(\S*)$/.exec(raw)) && KEY.test(m[1])) {
    const [, key, op, value] = m;
    return {
      key,
      values: [value],
      test: op === '!=' ? (l) => l[key] !== value : (l) => l[key] === value,
    };
  }
  if ((m = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(raw)) && KEY.test(m[1])) {
    const [, key, op, list] = m;
    // `()` is the set {""}, as the real parser reads it (parseValues), not a syntax error.
    const values = new Set(list.split(',').map((v) => v.trim()));
    return {
      key,
      values: [...values],
      test: op === 'in' ? (l) => key in l && values.has(l[key]) : (l) => !(key in l) || !values.has(l[key]),
    };
  }
  if (KEY.test(raw)) return { key: raw, values: [], test: (l) => raw in l };
  throw badRequest(
    `unable to parse requirement: found '${raw}', expected: identifier in label selector "${whole}"`,
  );
}

/** Converts a `matchLabels` map to the same predicate. */
export function matchLabels(wanted: Record<string, string> | undefined): Requirement {
  return (labels) => Object.entries(wanted ?? {}).every(([k, v]) => labels[k] === v);
}

const FIELDS: Record<string, (o: KubeObject) => string | undefined> = {
  'metadata.name': (o) => o.metadata.name,
  'metadata.namespace': (o) => o.metadata.namespace,
};
const POD_FIELDS: Record<string, (o: KubeObject) => string | undefined> = {
  ...FIELDS,
  'status.phase': (o) => (o.status as { phase?: string } | undefined)?.phase,
  'spec.nodeName': (o) => (o.spec as { nodeName?: string } | undefined)?.nodeName,
};

const involved = (field: string) => (o: KubeObject) =>
  (o.involvedObject as Record<string, string | undefined> | undefined)?.[field] ?? '';
const EVENT_FIELDS: Record<string, (o: KubeObject) => string | undefined> = {
  ...FIELDS,
  ...Object.fromEntries(
    ['kind', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath'].map((f) => [
      `involvedObject.${f}`,
      involved(f),
    ]),
  ),
  reason: (o) => (o.reason as string | undefined) ?? '',
  reportingComponent: (o) => (o.reportingComponent as string | undefined) ?? '',
  source: (o) => (o.source as { component?: string } | undefined)?.component ?? '',
  type: (o) => (o.type as string | undefined) ?? '',
};
const KIND_FIELDS: Record<string, Record<string, (o: KubeObject) => string | undefined>> = {
  Pod: POD_FIELDS,
  Event: EVENT_FIELDS,
};

/** Field selectors support what the API server supports for these kinds; others are 400. */
export function parseFieldSelector(selector: string | undefined, kind: string): (o: KubeObject) => boolean {
  if (!selector || !selector.trim()) return () => true;
  const fields = KIND_FIELDS[kind] ?? FIELDS;
  const tests = selector.split(',').map((raw) => {
    const m = /^\s*([^=!\s]+)\s*(==|!=|=)\s*(.*?)\s*$/.exec(raw);
    if (!m) throw badRequest(`invalid selector: '${selector}'; can't understand '${raw}'`);
    const [, field, op, value] = m;
    const get = fields[field];
    if (!get) throw badRequest(`field label not supported: ${field}`);
    return (o: KubeObject) => (op === '!=' ? get(o) !== value : get(o) === value);
  });
  return (o) => tests.every((t) => t(o));
}
