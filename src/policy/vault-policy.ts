import type { StoreLocation } from './store-layout.js';

/** Who holds the policy: an operator at a terminal, or the CronJob that runs `rotor run --due --yes`. */
export type PolicyRole = 'operator' | 'cronjob';

/** One `path` block of the Vault policy rotor needs, with the reason it is there. */
export interface NeededRule {
  path: string;
  capabilities: string[];
  why: string;
  /** The one shipped runbook that needs it (an engine's path); absent when every run needs it. */
  runbook?: string;
}

/** What the policy is written for: the team's secrets, the engine objects and rotor's own store. */
export interface PolicyParams {
  /** The KV folder the team's secrets live in (`harmonyflow`); also the database connection, static role and PKI role name. */
  teamPrefix: string;
  /** The transit key the encryption-key runbook rotates. */
  transitKey: string;
  /** Policies, status and history (ROTOR_STORE_MOUNT, ROTOR_STORE_PREFIX). */
  store: StoreLocation;
  /** Rotation locks live on the `secret` mount under this prefix (ROTOR_VAULT_PREFIX). */
  lockPrefix: string;
  /** The team's KV v2 mount and the engines' mounts, as the runbooks default them. */
  kvMount?: string;
  transitMount?: string;
  databaseMount?: string;
  pkiMount?: string;
}

/** The placeholders the files under deploy/vault-policies/ carry: replace them before `vault policy write`. */
export const TEMPLATE_PARAMS: PolicyParams = {
  teamPrefix: 'TEAM_PREFIX',
  transitKey: 'TRANSIT_KEY',
  store: { mount: 'secret', prefix: 'rotor' },
  lockPrefix: 'rotor',
};

const READ = ['read'];

/** A rule only one runbook needs, because it uses that Vault engine. */
const engine = (runbook: string, path: string, capabilities: string[], what: string): NeededRule => ({
  path,
  capabilities,
  why: `${runbook}: ${what}`,
  runbook,
});
const WRITE_KV = ['create', 'read', 'update'];

/**
 * Every path and capability rotor uses, from the calls the shipped runbooks, the policy store,
 * the history and the locks make (src/adapters/vault*.ts), nothing more. The CronJob only reads
 * rotation policies: a token taken from the cluster cannot point a policy at another runbook or
 * script. sys/health, sys/seal-status, sys/unseal and pki/cert/ca need no token.
 */
export function neededRules(role: PolicyRole, p: PolicyParams): NeededRule[] {
  const kv = p.kvMount ?? 'secret';
  const transit = p.transitMount ?? 'transit';
  const db = p.databaseMount ?? 'database';
  const pki = p.pkiMount ?? 'pki';
  const team = p.teamPrefix;
  const store = (part: string) => `${p.store.mount}/data/${p.store.prefix}/${part}/*`;
  const storeMeta = (part: string) => `${p.store.mount}/metadata/${p.store.prefix}/${part}/*`;
  return [
    {
      path: `${kv}/data/${team}/*`,
      capabilities: ['create', 'read', 'update', 'patch'],
      why: 'the team secrets: snapshot, rotate (patch), stage <path>.pending (create), promote, restore',
    },
    {
      path: `${kv}/metadata/${team}/*`,
      capabilities: ['read', 'update', 'delete'],
      why: 'versions for check-and-set; marks a staged value (update); removes <path>.pending once promoted (delete: Vault globs cannot say "only .pending")',
    },
    role === 'operator'
      ? {
          path: store('policies'),
          capabilities: WRITE_KV,
          why: 'rotation policies: rotor policy add, rotor policy remove',
        }
      : {
          path: store('policies'),
          capabilities: READ,
          why: 'rotation policies: read only, so a stolen CronJob token cannot change them',
        },
    { path: storeMeta('policies'), capabilities: READ, why: 'versions of the policy shards' },
    { path: store('status'), capabilities: WRITE_KV, why: 'per-secret status, written after each rotation' },
    { path: storeMeta('status'), capabilities: READ, why: 'versions of the status shards' },
    { path: store('history'), capabilities: WRITE_KV, why: 'rotation history, appended by every run' },
    { path: storeMeta('history'), capabilities: READ, why: 'versions of the history entries' },
    {
      path: `secret/data/${p.lockPrefix}/locks/*`,
      capabilities: WRITE_KV,
      why: 'rotation locks, taken with check-and-set; rotor unlock',
    },
    { path: `secret/metadata/${p.lockPrefix}/locks/*`, capabilities: READ, why: 'versions of the locks' },
    engine('encryption-key', `${transit}/keys/${p.transitKey}`, READ, 'the key versions'),
    engine('encryption-key', `${transit}/keys/${p.transitKey}/rotate`, ['update'], 'rotate'),
    engine('encryption-key', `${transit}/rewrap/${p.transitKey}`, ['update'], 'rewrap'),
    engine('postgres-dynamic', `${db}/rotate-root/${team}`, ['update'], 'rotate the root credential'),
    engine('postgres-dynamic', `${db}/rotate-role/${team}`, ['update'], 'rotate the static role'),
    engine('postgres-dynamic', `${db}/static-creds/${team}`, READ, 'read the static credential'),
    engine('certificate', `${pki}/issue/${team}`, ['update'], 'issue the new certificate'),
    engine('certificate', `${pki}/revoke`, ['update'], 'revoke the old one'),
    engine(
      'certificate',
      `${pki}/certs`,
      ['list'],
      'after a kill inside the issue step, find what the interrupted run issued, to revoke it',
    ),
    engine('postgres-dynamic', 'sys/leases/renew', ['update'], 'renew leases'),
    { path: 'auth/token/lookup-self', capabilities: READ, why: 'rotor doctor; token renewal' },
    {
      path: 'auth/token/renew-self',
      capabilities: ['update'],
      why: 'keeps the token alive during long runs',
    },
    {
      path: 'sys/capabilities-self',
      capabilities: ['update'],
      why: 'names the missing capability when Vault says 403; rotor doctor',
    },
  ];
}

/** The rules as a Vault policy file (HCL), each block under a comment saying why. */
export function renderPolicyHcl(rules: readonly NeededRule[], header: readonly string[]): string {
  const blocks = rules.map(
    (r) =>
      `# ${r.why}\npath "${r.path}" {\n  capabilities = [${r.capabilities.map((c) => `"${c}"`).join(', ')}]\n}\n`,
  );
  return `${header.map((l) => `# ${l}`.trimEnd()).join('\n')}\n\n${blocks.join('\n')}`;
}

/** The headers of the shipped files: what they are for and how to fill them in. */
export function policyFileHeader(role: PolicyRole): string[] {
  return [
    role === 'operator'
      ? 'rotor-operator: the Vault policy an operator running rotor needs, and nothing more.'
      : 'rotor-cronjob: the policy of the CronJob that runs `rotor run --due --yes`; it reads rotation',
    ...(role === 'cronjob' ? ['policies but cannot write them (only operators can).'] : []),
    'Generated from src/policy/vault-policy.ts (test/vault-policy-files.test.ts keeps them equal).',
    '',
    'Replace TEAM_PREFIX (the KV folder of the team, also its database connection, static role',
    'and PKI role) and TRANSIT_KEY, then load it:',
    `  sed -e 's#TEAM_PREFIX#harmonyflow#g' -e 's#TRANSIT_KEY#session-state#g' rotor-${role}.hcl \\`,
    `    | vault policy write rotor-${role} -`,
    "Mounts are the runbooks' defaults (secret, transit, database, pki) and rotor's store is",
    'secret/rotor/; edit the paths if ROTOR_STORE_MOUNT, ROTOR_STORE_PREFIX or ROTOR_VAULT_PREFIX',
    'move it. `rotor doctor` checks a token against these rules. See SECURITY.md.',
  ];
}

/** A concrete path a `*` or `+` pattern covers, for asking Vault what a token may do there. */
export function probePath(pattern: string): string {
  return pattern
    .split('/')
    .map((s) => (s === '+' ? 'rotor-doctor-probe' : s))
    .join('/')
    .replace(/\*$/, 'rotor-doctor-probe');
}
