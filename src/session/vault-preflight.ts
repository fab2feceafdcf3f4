import { locate } from '../actions/vault/common.js';
import type { VaultPort } from '../ports/vault-port.js';
import type { Plan, PlannedStep } from '../engine/types.js';
import { previewLookup } from '../engine/lookup.js';
import { UsageError } from '../errors.js';
import { resolveDeep, resolveString, truthy } from '../runbook/template.js';
import { lockLocation } from './locks.js';
import { lockedPaths } from './lock-session.js';

/** One Vault call a run will make: the API path and the capabilities of which it needs one. */
interface Need {
  apiPath: string;
  anyOf: string[];
  /** Which step (or `locks`) makes it, for the message. */
  by: string;
}

type Params = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' && v !== '' && !v.includes('‹') ? v : undefined);
const WRITE = ['create', 'update'];

function kvPaths(p: Params, pendingOf?: boolean) {
  const path = str(p.path);
  if (!path) return undefined;
  const at = locate({ path, mount: str(p.mount) });
  const target = pendingOf
    ? str(p.pending_path)
      ? locate({ path: String(p.pending_path), mount: at.mount })
      : { mount: at.mount, path: `${at.path}.pending` }
    : at;
  return { data: `${target.mount}/data/${target.path}`, meta: `${target.mount}/metadata/${target.path}` };
}

/** What each Vault action asks of the token, from its parameters; unknown or unresolved ones ask nothing. */
function needsOf(action: string, p: Params, by: string): Need[] {
  const need = (apiPath: string | undefined, anyOf: string[]): Need[] =>
    apiPath && !apiPath.includes('‹') ? [{ apiPath, anyOf, by }] : [];
  // Only KV actions name a KV path in `path`: script.run's `path` is a file on this machine.
  const kv = action.startsWith('vault.kv-') ? kvPaths(p) : undefined;
  const mount = (fallback: string) => str(p.mount) ?? fallback;
  switch (action) {
    case 'vault.kv-read':
      return need(kv?.data, ['read']);
    case 'vault.kv-snapshot':
    case 'vault.kv-check-version':
      return [...need(kv?.data, ['read']), ...need(kv?.meta, ['read'])];
    case 'vault.kv-write':
      return need(kv?.data, WRITE);
    case 'vault.kv-patch':
    case 'vault.kv-rotate':
    case 'vault.kv-rotate-random':
      return [...need(kv?.data, ['read']), ...need(kv?.data, ['patch'])];
    case 'vault.kv-restore':
      return [...need(kv?.data, ['read']), ...need(kv?.data, WRITE)];
    case 'vault.kv-stage': {
      const pending = kvPaths(p, true);
      return [...need(pending?.data, WRITE), ...need(pending?.meta, ['update'])];
    }
    case 'vault.kv-promote': {
      const pending = kvPaths(p, true);
      return [
        ...need(pending?.data, ['read']),
        ...need(kv?.data, WRITE),
        ...(p.keep_pending === true ? [] : need(pending?.meta, ['delete'])),
      ];
    }
    case 'vault.transit-key-info':
    case 'vault.transit-check':
      return need(str(p.key) && `${mount('transit')}/keys/${p.key}`, ['read']);
    case 'vault.transit-rotate':
      return need(str(p.key) && `${mount('transit')}/keys/${p.key}/rotate`, ['update']);
    case 'vault.db-rotate-root':
      return need(str(p.connection) && `${mount('database')}/rotate-root/${p.connection}`, ['update']);
    case 'vault.db-rotate-role':
      return need(str(p.role) && `${mount('database')}/rotate-role/${p.role}`, ['update']);
    case 'vault.db-static-creds':
      return need(str(p.role) && `${mount('database')}/static-creds/${p.role}`, ['read']);
    case 'vault.pki-issue':
      // It lists the mount's certificates first, so a resume can find what a killed run issued.
      return [
        ...need(`${mount('pki')}/certs`, ['list']),
        ...need(str(p.role) && `${mount('pki')}/issue/${p.role}`, ['update']),
      ];
    case 'vault.pki-revoke':
      return need(`${mount('pki')}/revoke`, ['update']);
    default:
      return [];
  }
}

/** The steps that will surely run: a `when` not yet decidable leaves its step out. */
function certainSteps(
  steps: readonly PlannedStep[],
  plan: Plan,
  env: Readonly<Record<string, string | undefined>>,
) {
  const out: Array<{ step: PlannedStep; params: Params }> = [];
  for (const step of steps) {
    const lookup = previewLookup(
      { inputs: plan.inputs, outputs: new Map(), skipped: new Set(), env },
      step.item,
    );
    try {
      if (step.when !== undefined) {
        const when = resolveString(step.when, lookup);
        if (typeof when === 'string' && when.includes('‹')) continue;
        if (!truthy(when)) continue;
      }
      if (step.group) out.push(...certainSteps(step.group.steps, plan, env));
      else out.push({ step, params: resolveDeep(step.with, lookup) as Params });
    } catch {
      // A parameter that cannot be resolved before the run: the step itself will say.
    }
  }
  return out;
}

/**
 * Asks Vault once, before the lock and the first step, whether the token may make every call
 * the plan will surely make (sys/capabilities-self), and refuses the run with each missing
 * capability and path named: a token short of one would otherwise fail halfway, after changes.
 * When Vault will not say (the token may not ask), the run goes on and a refused call names
 * itself as before.
 */
export async function checkVaultAccess(
  vault: VaultPort | undefined,
  plan: Plan,
  env: Readonly<Record<string, string | undefined>>,
): Promise<void> {
  if (!vault || typeof vault.write !== 'function') return;
  const needs = certainSteps(plan.steps, plan, env).flatMap(({ step, params }) =>
    needsOf(step.action ?? '', params, `step ${step.id}`),
  );
  if (plan.steps.some((s) => s.changes)) {
    for (const path of lockedPaths(plan)) {
      const at = lockLocation(env.ROTOR_VAULT_PREFIX || 'rotor', path);
      needs.push({ apiPath: `${at.mount}/data/${at.path}`, anyOf: WRITE, by: 'the rotation lock' });
    }
  }
  if (needs.length === 0) return;
  const paths = [...new Set(needs.map((n) => n.apiPath))];
  let answer: Record<string, unknown>;
  try {
    answer = await vault.write('sys/capabilities-self', { paths });
  } catch {
    return;
  }
  const missing: string[] = [];
  for (const n of needs) {
    const caps = answer[n.apiPath];
    if (!Array.isArray(caps) || caps.includes('root') || n.anyOf.some((c) => caps.includes(c))) continue;
    const line = `${n.anyOf.map((c) => `"${c}"`).join(' or ')} on ${n.apiPath} (${n.by})`;
    if (!missing.includes(line)) missing.push(line);
  }
  if (missing.length)
    throw new UsageError(
      `the Vault token may not do what ${plan.runbookId} needs, so nothing was started: it lacks ${missing.join('; ')}`,
      'add them to its policy (deploy/vault-policies/rotor-operator.hcl has all rotor needs), or use a token that has them; `rotor doctor` checks a token',
    );
}
