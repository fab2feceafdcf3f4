// Vault's ACL policies as Vault reads and decides them (vault/policy.go, vault/acl.go): the
// emulator enforces them, and `rotor doctor` judges policies it reads from a real Vault with the
// same rules. Pure: no IO.

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

/** Vault refuses the policy text (the emulator answers 400 with this message). */
export class PolicyParseError extends Error {}

function checkCapabilities(path: string, caps: unknown): Capability[] {
  if (path.includes('+*'))
    throw new PolicyParseError(
      `failed to parse policy: path "${path}": invalid use of wildcards ('+*' is forbidden)`,
    );
  if (!Array.isArray(caps))
    throw new PolicyParseError(`failed to parse policy: path "${path}": capabilities must be a list`);
  for (const c of caps) {
    if (!CAPABILITIES.has(c as Capability))
      throw new PolicyParseError(`failed to parse policy: path "${path}": invalid capability "${String(c)}"`);
  }
  return caps as Capability[];
}

/** Parses a policy in HCL (the common `path` blocks) or its JSON form; PolicyParseError for anything else. */
export function parseAclPolicy(name: string, text: string): Policy {
  const trimmed = text.trim();
  const rules: PolicyRule[] = [];
  if (trimmed.startsWith('{')) {
    let parsed: { path?: Record<string, { capabilities?: unknown }> };
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      throw new PolicyParseError('failed to parse policy: invalid JSON');
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
    if (!caps) throw new PolicyParseError(`failed to parse policy: path "${m[1]}": no capabilities`);
    const list = [...caps[1].matchAll(/"([^"]*)"/g)].map((c) => c[1]);
    rules.push({ path: m[1], capabilities: checkCapabilities(m[1], list) });
    rest = rest.replace(m[0], '');
  }
  if (rest.trim() !== '')
    throw new PolicyParseError(`failed to parse policy: unexpected text "${rest.trim().slice(0, 40)}"`);
  return { name, text, rules };
}

/** Merged rules by pattern, split the way Vault's ACL keeps them. */
interface Acl {
  exact: Map<string, Set<Capability>>;
  /** Keyed by the pattern without its trailing `*`. */
  prefix: Map<string, Set<Capability>>;
  /** Patterns holding a `+` segment, keyed by the whole pattern (a trailing `*` included). */
  segment: Map<string, Set<Capability>>;
}

/**
 * Rules with the same pattern merge across policies; a `deny` in any of them leaves only
 * `deny`, as Vault's NewACL does.
 */
function buildAcl(policies: readonly Policy[]): Acl {
  const acl: Acl = { exact: new Map(), prefix: new Map(), segment: new Map() };
  for (const policy of policies) {
    for (const rule of policy.rules) {
      // Vault strips one leading slash, and reads `+` as a segment wildcard only where a segment starts with it.
      const path = rule.path.replace(/^\//, '');
      const segmented = path === '+' || path.startsWith('+/') || path.includes('/+');
      const [table, key] = segmented
        ? [acl.segment, path]
        : path.endsWith('*')
          ? [acl.prefix, path.slice(0, -1)]
          : [acl.exact, path];
      const set = table.get(key) ?? new Set<Capability>();
      if (set.has('deny')) continue;
      if (rule.capabilities.includes('deny')) {
        set.clear();
        set.add('deny');
      } else for (const c of rule.capabilities) set.add(c);
      table.set(key, set);
    }
  }
  return acl;
}

/** A non-exact pattern that matched, with what Vault ranks it by. */
interface Candidate {
  firstWildcard: number;
  isPrefix: boolean;
  wildcards: number;
  body: string;
  caps: Set<Capability>;
}

/**
 * Vault's priority between matching patterns, lowest first: the first `+` or `*` earlier, a
 * trailing `*`, more `+` segments, shorter, lexicographically smaller.
 */
function lower(a: Candidate, b: Candidate): number {
  if (a.firstWildcard !== b.firstWildcard) return a.firstWildcard - b.firstWildcard;
  if (a.isPrefix !== b.isPrefix) return a.isPrefix ? -1 : 1;
  if (a.wildcards !== b.wildcards) return b.wildcards - a.wildcards;
  if (a.body.length !== b.body.length) return a.body.length - b.body.length;
  return a.body < b.body ? -1 : a.body > b.body ? 1 : 0;
}

/**
 * The longest matching `*` pattern competes with every matching `+` pattern. A `+` stands for
 * one whole segment (in `a+b` it is a literal character), and without a trailing `*` the
 * segment counts must be equal.
 */
function nonExact(acl: Acl, path: string): Set<Capability> | undefined {
  const candidates: Candidate[] = [];
  const longest = [...acl.prefix.keys()]
    .filter((p) => path.startsWith(p))
    .sort((a, b) => b.length - a.length)[0];
  if (longest !== undefined) {
    if (acl.segment.size === 0) return acl.prefix.get(longest);
    candidates.push({
      firstWildcard: longest.length,
      isPrefix: true,
      wildcards: 0,
      body: longest,
      caps: acl.prefix.get(longest)!,
    });
  }
  const parts = path.split('/');
  next: for (const [pattern, caps] of acl.segment) {
    const isPrefix = pattern.endsWith('*');
    const body = isPrefix ? pattern.slice(0, -1) : pattern;
    const want = body.split('/');
    if (parts.length < want.length || (!isPrefix && parts.length !== want.length)) continue;
    let wildcards = 0;
    for (let i = 0; i < want.length; i++) {
      if (want[i] === '+') wildcards++;
      else if (want[i] === parts[i]) continue;
      else if (isPrefix && i === want.length - 1 && parts[i].startsWith(want[i])) continue;
      else continue next;
    }
    candidates.push({ firstWildcard: pattern.indexOf('+'), isPrefix, wildcards, body, caps });
  }
  return candidates.sort(lower).at(-1)?.caps;
}

/** Vault's order in `sys/capabilities-self` answers. */
const ORDER: Capability[] = ['sudo', 'read', 'list', 'update', 'delete', 'create', 'patch'];

/**
 * The capabilities a set of policies grants on a path, by Vault's ACL lookup: an exact pattern
 * first, else the best-ranked glob or segment pattern. For a list (and for capability checks,
 * which Vault makes as a list) the path is also tried without its trailing slash first.
 * `['deny']` when nothing matches or the match denies.
 */
export function capabilitiesFor(
  policies: readonly Policy[],
  path: string,
  options: { list?: boolean } = {},
): Capability[] {
  if (policies.some((p) => p.name === 'root')) return ['root' as Capability];
  const acl = buildAcl(policies);
  const trimmed = path.replace(/\/$/, '');
  const caps =
    acl.exact.get(path) ??
    (options.list ? acl.exact.get(trimmed) : undefined) ??
    (options.list && trimmed !== path ? nonExact(acl, trimmed) : undefined) ??
    nonExact(acl, path);
  if (!caps || caps.has('deny')) return ['deny'];
  const granted = ORDER.filter((c) => caps.has(c));
  return granted.length ? granted : ['deny'];
}
