import { badRequest } from './envelope.js';

/** A capability a policy grants on a path pattern. */
export type Capability = 'create' | 'read' | 'update' | 'patch' | 'delete' | 'list' | 'sudo' | 'deny';

const CAPABILITIES = new Set<Capability>([
  'create',
  'read',
  'update',
  'patch',
  'delete',
  'list',
  'sudo',
  'deny',
]);

/** One `path "…" { capabilities = […] }` block. */
export interface PolicyRule {
  path: string;
  capabilities: Capability[];
}

/** A named policy: its source text (as read back from `sys/policies/acl`) and its rules. */
export interface Policy {
  name: string;
  text: string;
  rules: PolicyRule[];
}

/** Vault's built-in `default` policy, reduced to the paths rotor's clients touch. */
export const DEFAULT_POLICY_TEXT = `# Allow tokens to look up, renew and revoke themselves
path "auth/token/lookup-self" { capabilities = ["read"] }
path "auth/token/renew-self" { capabilities = ["update"] }
path "auth/token/revoke-self" { capabilities = ["update"] }
path "sys/capabilities-self" { capabilities = ["update"] }
path "sys/leases/renew" { capabilities = ["update"] }
path "sys/leases/lookup" { capabilities = ["update"] }
path "sys/renew" { capabilities = ["update"] }
`;

function checkCapabilities(path: string, caps: unknown): Capability[] {
  if (!Array.isArray(caps))
    throw badRequest(`failed to parse policy: path "${path}": capabilities must be a list`);
  for (const c of caps) {
    if (!CAPABILITIES.has(c as Capability))
      throw badRequest(`failed to parse policy: path "${path}": invalid capability "${String(c)}"`);
  }
  return caps as Capability[];
}

/** Parses a policy in HCL (the common `path` blocks) or its JSON form; a 400 for anything else. */
export function parsePolicy(name: string, text: string): Policy {
  const trimmed = text.trim();
  const rules: PolicyRule[] = [];
  if (trimmed.startsWith('{')) {
    let parsed: { path?: Record<string, { capabilities?: unknown }> };
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      throw badRequest('failed to parse policy: invalid JSON');
    }
    for (const [path, body] of Object.entries(parsed.path ?? {}))
      rules.push({ path, capabilities: checkCapabilities(path, body?.capabilities) });
    return { name, text, rules };
  }
  const source = text.replace(/(^|\s)(#|\/\/).*$/gm, '$1');
  const block = /path\s+"([^"]+)"\s*\{([^{}]*)\}/g;
  let rest = source;
  for (const m of source.matchAll(block)) {
    const caps = /capabilities\s*=\s*\[([^\]]*)\]/.exec(m[2]);
    if (!caps) throw badRequest(`failed to parse policy: path "${m[1]}": no capabilities`);
    const list = [...caps[1].matchAll(/"([^"]*)"/g)].map((c) => c[1]);
    rules.push({ path: m[1], capabilities: checkCapabilities(m[1], list) });
    rest = rest.replace(m[0], '');
  }
  if (rest.trim() !== '')
    throw badRequest(`failed to parse policy: unexpected text "${rest.trim().slice(0, 40)}"`);
  return { name, text, rules };
}

function matches(pattern: string, path: string): boolean {
  const glob = pattern.endsWith('*');
  const body = glob ? pattern.slice(0, -1) : pattern;
  const re = new RegExp(
    `^${body
      .split('+')
      .map((s) => s.replace(/[.*?^${}()|[\]\\]/g, '\\$&'))
      .join('[^/]+')}${glob ? '' : '$'}`,
  );
  return re.test(path);
}

function wildcardIndex(p: string): number {
  const i = [p.indexOf('+'), p.indexOf('*')].filter((x) => x >= 0);
  return i.length ? Math.min(...i) : p.length;
}

/** Positive when `a` has higher priority than `b`, by Vault's documented rules. */
function priority(a: string, b: string): number {
  if (wildcardIndex(a) !== wildcardIndex(b)) return wildcardIndex(a) - wildcardIndex(b);
  if (a.endsWith('*') !== b.endsWith('*')) return a.endsWith('*') ? -1 : 1;
  const plus = (p: string) => p.split('+').length - 1;
  if (plus(a) !== plus(b)) return plus(b) - plus(a);
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The capabilities a set of policies grants on a path: rules with the same pattern merge across
 * policies, the most specific matching pattern wins, and `deny` takes everything away.
 */
export function capabilitiesFor(policies: readonly Policy[], path: string): Capability[] {
  if (policies.some((p) => p.name === 'root')) return ['root' as Capability];
  const merged = new Map<string, Set<Capability>>();
  for (const policy of policies) {
    for (const rule of policy.rules) {
      const set = merged.get(rule.path) ?? new Set();
      for (const c of rule.capabilities) set.add(c);
      merged.set(rule.path, set);
    }
  }
  const candidates = [...merged.keys()].filter((p) => matches(p, path));
  if (candidates.length === 0) return ['deny'];
  const best = candidates.sort((a, b) => priority(b, a))[0];
  const caps = merged.get(best)!;
  if (caps.has('deny')) return ['deny'];
  return [...caps].sort();
}
