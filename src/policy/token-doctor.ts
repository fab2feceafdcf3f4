import type { VaultPort } from '../ports/vault-port.js';
import { describeError } from '../errors.js';
import { PolicyParseError, capabilitiesFor, parseAclPolicy, type Policy } from './vault-acl.js';
import {
  neededRules,
  probePath,
  type NeededRule,
  type PolicyParams,
  type PolicyRole,
} from './vault-policy.js';

/** One line of `rotor doctor`. `not-judged`: rotor could not tell, and says what an admin should look at. */
export interface DoctorCheck {
  status: 'ok' | 'warn' | 'fail' | 'not-judged';
  check: string;
  message: string;
}

/** The Vault calls the doctor makes: reads and the capability question, nothing that changes Vault. */
export type DoctorVault = Pick<VaultPort, 'address' | 'health' | 'read' | 'write'>;

/** A failure's message and hint on one line: the doctor prints one line per check. */
const oneLine = (error: unknown) => describeError(error).replace(/\n\s*→ /g, '; ');

const WRITES = ['create', 'update', 'patch', 'delete', 'sudo'];
const PROBE = 'rotor-doctor-probe';

/** Paths a rotor token has no business writing, with what writing there would let it do. */
function strayPaths(p: PolicyParams): Array<{ path: string; means: string }> {
  const kv = p.kvMount ?? 'secret';
  return [
    { path: `sys/policies/acl/${PROBE}`, means: 'change Vault policies (grant itself anything)' },
    { path: `sys/auth/${PROBE}`, means: 'enable auth methods' },
    { path: `sys/mounts/${PROBE}`, means: 'mount and unmount secrets engines' },
    { path: 'sys/seal', means: 'seal Vault' },
    { path: `sys/${PROBE}`, means: 'write anywhere under sys/' },
    { path: `${kv}/data/${PROBE}/x`, means: `write KV secrets outside ${p.teamPrefix}/ and rotor's store` },
    {
      path: `${kv}/metadata/${PROBE}/x`,
      means: `delete KV secrets outside ${p.teamPrefix}/ and rotor's store`,
    },
    { path: `${PROBE}/x`, means: 'write on any mount (a rule with a leading * or +)' },
  ];
}

/** The store's paths: whoever writes them decides what rotor rotates, with which runbook and script. */
function storeProbes(p: PolicyParams): string[] {
  const { mount, prefix } = p.store;
  return ['policies', 'status', 'history'].flatMap((part) => [
    `${mount}/data/${prefix}/${part}/${PROBE}`,
    `${mount}/metadata/${prefix}/${part}/${PROBE}`,
  ]);
}

async function capabilities(vault: DoctorVault, paths: string[]): Promise<Record<string, string[]>> {
  const data = await vault.write('sys/capabilities-self', { paths });
  return Object.fromEntries(paths.map((p) => [p, Array.isArray(data[p]) ? (data[p] as string[]) : ['deny']]));
}

const writesOf = (caps: readonly string[]) =>
  caps.includes('root') ? ['root'] : caps.filter((c) => WRITES.includes(c));

function neededCheck(rules: NeededRule[], caps: Record<string, string[]>, role: PolicyRole): DoctorCheck[] {
  const missing: string[] = [];
  const blocked = new Map<string, string[]>();
  const extra: string[] = [];
  for (const rule of rules) {
    const has = caps[probePath(rule.path)];
    if (has.includes('root')) continue;
    const lacks = rule.capabilities.filter((c) => !has.includes(c));
    if (lacks.length) {
      const what = `${lacks.map((c) => `"${c}"`).join(', ')} on ${rule.path}`;
      if (rule.runbook) blocked.set(rule.runbook, [...(blocked.get(rule.runbook) ?? []), what]);
      else missing.push(what);
    }
    const more = writesOf(has).filter((c) => !rule.capabilities.includes(c));
    if (more.length) extra.push(`${more.join(', ')} on ${rule.path}`);
  }
  const file = `deploy/vault-policies/rotor-${role}.hcl`;
  const core = rules.filter((r) => !r.runbook).length;
  const engines = [...new Set(rules.flatMap((r) => (r.runbook ? [r.runbook] : [])))];
  return [
    missing.length
      ? {
          status: 'fail',
          check: 'needed',
          message: `the token lacks ${missing.join('; ')}: runs stop with 403 there (add them from ${file})`,
        }
      : {
          status: 'ok',
          check: 'needed',
          message: `the token has what every run needs: the team's secrets, rotor's store, its own token (${core} paths of rotor-${role}.hcl)`,
        },
    blocked.size
      ? {
          status: 'warn',
          check: 'runbooks',
          message: `the token cannot run ${[...blocked].map(([id, what]) => `${id} (lacks ${what.join('; ')})`).join(', ')}: add those rules from ${file}, or leave them out if the team does not use that engine`,
        }
      : {
          status: 'ok',
          check: 'runbooks',
          message: `the token can run ${engines.join(', ')} (transit, database, PKI)`,
        },
    extra.length
      ? {
          status: 'warn',
          check: 'more than needed',
          message: `the token also has ${extra.join('; ')}: rotor never uses them`,
        }
      : { status: 'ok', check: 'more than needed', message: "no extra write capability on rotor's paths" },
  ];
}

function strayCheck(p: PolicyParams, caps: Record<string, string[]>): DoctorCheck {
  const found = strayPaths(p).flatMap(({ path, means }) => {
    const w = writesOf(caps[path]);
    return w.length && !w.includes('root') ? [`${w.join(', ')} on ${path} (it could ${means})`] : [];
  });
  return found.length
    ? {
        status: 'warn',
        check: "outside rotor's paths",
        message: `the token can write where rotor never does: ${found.join('; ')}`,
      }
    : {
        status: 'ok',
        check: "outside rotor's paths",
        message: 'no write on sys/, other mounts or other KV paths',
      };
}

/** Policies read from Vault that grant writes on the store, other than rotor's own two. */
async function storeWriters(vault: DoctorVault, p: PolicyParams): Promise<DoctorCheck> {
  const where = `${p.store.mount}/${p.store.prefix}/`;
  const check = 'policy store';
  let names: string[];
  try {
    names = ((await vault.read('sys/policies/acl?list=true')).keys as string[]) ?? [];
  } catch {
    return {
      status: 'not-judged',
      check,
      message: `who else can write ${where} is not visible to this token (it cannot list sys/policies/acl): ask a Vault admin to check that no policy but rotor-operator and rotor-cronjob grants create, update, patch or delete under ${p.store.mount}/data/${p.store.prefix}/ and ${p.store.mount}/metadata/${p.store.prefix}/ (SECURITY.md)`,
    };
  }
  const writers: string[] = [];
  const unread: string[] = [];
  for (const name of names.filter((n) => n !== 'root' && !/^rotor-(operator|cronjob)$/.test(n))) {
    let policy: Policy;
    try {
      policy = parseAclPolicy(name, String((await vault.read(`sys/policies/acl/${name}`)).policy ?? ''));
    } catch (error) {
      if (!(error instanceof PolicyParseError)) throw error;
      unread.push(name);
      continue;
    }
    if (storeProbes(p).some((path) => writesOf(capabilitiesFor([policy], path, { list: true })).length))
      writers.push(name);
  }
  const notRead = unread.length
    ? `; not judged: ${unread.join(', ')} (syntax rotor does not read, check them by hand)`
    : '';
  if (writers.length)
    return {
      status: 'warn',
      check,
      message: `policies ${writers.join(', ')} can also write ${where}: every token holding them can change what rotor rotates and how; keep the store on a mount only rotor's operators write (ROTOR_STORE_MOUNT)${notRead}`,
    };
  return {
    status: unread.length ? 'not-judged' : 'ok',
    check,
    message: `no policy but rotor-operator and rotor-cronjob writes ${where} (root tokens always can)${notRead}`,
  };
}

/**
 * What `rotor doctor` checks: Vault answers, the token is valid and not root, it holds every
 * capability rotor needs and no write it does not, and who else can write rotor's store. Never
 * throws for an answer it can judge; changes nothing in Vault.
 */
export async function diagnoseToken(
  vault: DoctorVault,
  role: PolicyRole,
  params: PolicyParams,
): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  const health = await vault.health().catch((error: unknown) => error as Error);
  if (health instanceof Error || health.sealed || !health.initialized) {
    const why =
      health instanceof Error ? oneLine(health) : health.sealed ? 'it is sealed' : 'it is not initialised';
    return [
      { status: 'fail', check: 'vault', message: `Vault at ${vault.address} cannot be checked: ${why}` },
    ];
  }
  checks.push({
    status: 'ok',
    check: 'vault',
    message: `Vault ${health.version} at ${vault.address} is unsealed`,
  });
  let self: Record<string, unknown>;
  try {
    self = await vault.read('auth/token/lookup-self');
  } catch (error) {
    return [...checks, { status: 'fail', check: 'token', message: oneLine(error) }];
  }
  const policies = Array.isArray(self.policies) ? (self.policies as string[]) : [];
  const ttl = Number(self.ttl ?? 0);
  checks.push({
    status: 'ok',
    check: 'token',
    message: `${String(self.display_name ?? 'token')}, policies ${policies.join(', ') || 'none'}, ${ttl > 0 ? `expires in ${Math.round(ttl / 60)} min` : 'never expires'}`,
  });
  checks.push(
    policies.includes('root')
      ? {
          status: 'warn',
          check: 'root',
          message: `the token has the root policy: it can do anything in Vault; give rotor a token with rotor-${role} only (deploy/vault-policies/rotor-${role}.hcl)`,
        }
      : { status: 'ok', check: 'root', message: 'not a root token' },
  );
  const rules = neededRules(role, params);
  const paths = [
    ...new Set([...rules.map((r) => probePath(r.path)), ...strayPaths(params).map((s) => s.path)]),
  ];
  let caps: Record<string, string[]>;
  try {
    caps = await capabilities(vault, paths);
  } catch (error) {
    return [...checks, { status: 'fail', check: 'capabilities', message: oneLine(error) }];
  }
  checks.push(...neededCheck(rules, caps, role), strayCheck(params, caps));
  checks.push(await storeWriters(vault, params));
  return checks;
}
