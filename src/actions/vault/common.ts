import { z } from 'zod';
import { Secret } from '../../engine/secret.js';
import type { ActionContext } from '../types.js';
import { VaultError, type KvData, type KvLocation, type VaultPort } from '../../ports/vault-port.js';
import { need } from '../../ports/index.js';
import { kvPathParam, mountParam } from './params.js';
import { parseKvPath } from '../../vault-path/index.js';

/** `path` inside the mount (`harmonyflow/redis`) and `mount`. */
export const kvLocationParams = {
  path: kvPathParam,
  /** The KV v2 mount; default `secret`. */
  mount: mountParam.optional(),
};

/** Values to write: strings, secrets, numbers, booleans; `null` removes a key in a patch. */
export const kvDataParam = z.record(
  z.string(),
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.instanceof(Secret)]),
);

/** A version number from a template (`{{ steps.backup.version }}`) or a literal. */
export const versionParam = z.coerce.number().int().min(0);

/**
 * Where a KV secret lives, checked against the step's own mount. The CLI's and the API's
 * spellings (`secret/harmonyflow/redis`, `secret/data/harmonyflow/redis`) are refused with the
 * path to write instead: a guess could name another secret (see src/vault-path/kv-path.ts).
 */
export function locate(p: { path: string; mount?: string }): KvLocation {
  return parseKvPath(p.path, { mount: p.mount });
}

export const shown = (at: KvLocation): string => `${at.mount}/${at.path}`;

export function vaultPort(ctx: ActionContext): VaultPort {
  return need(ctx.ports, 'vault');
}

/**
 * Fields that say who and where, not a credential (the guide's PostgreSQL secret has username,
 * host, port, database). Wrapped, their values would be scrubbed from every message: "harmonyflow"
 * and "5432" would vanish from logs and errors, which must say where things happened. A
 * certificate's serial is public too (it is printed in the certificate) and names which one failed.
 */
const LOCATOR_FIELDS = new Set([
  'username',
  'user',
  'host',
  'hostname',
  'port',
  'database',
  'dbname',
  'db',
  'vhost',
  'serial',
]);

/** Wraps every value of a secret's data but its locators, so no credential leaves the step in plaintext. */
export function wrapData(
  data: Record<string, unknown>,
  ctx: ActionContext,
  label: string,
): Record<string, Secret | string> {
  return Object.fromEntries(
    Object.entries(data ?? {}).map(([k, v]) => {
      const text = typeof v === 'string' ? v : JSON.stringify(v);
      return [k, LOCATOR_FIELDS.has(k.toLowerCase()) ? text : ctx.secret(text, `${label}.${k}`)];
    }),
  );
}

/** Names the keys a write sets and removes, never their values. */
export function describeKeys(data: KvData): string {
  const set = Object.entries(data)
    .filter(([, v]) => v !== null)
    .map(([k]) => k);
  const removed = Object.entries(data)
    .filter(([, v]) => v === null)
    .map(([k]) => k);
  return [set.length ? `sets ${set.join(', ')}` : '', removed.length ? `removes ${removed.join(', ')}` : '']
    .filter(Boolean)
    .join('; ');
}

/** The conflict an operator must see when a secret moved on under the run. */
export function casConflict(at: KvLocation, expected: number, current: number): VaultError {
  return new VaultError(
    'cas-conflict',
    `${at.path} changed since this run started: version ${expected} → ${current}; someone else may be rotating it`,
    {
      hint: `look at who wrote version ${current} (vault kv metadata get ${shown(at)}) before running the rotation again`,
    },
  );
}

/**
 * Writes version `version`'s data as a new version with check-and-set against `cas`, as
 * `vault kv rollback` does. Never a soft-delete: a deleted latest version reads as "not found"
 * to External Secrets. When `version` is 0 (the run created the secret) the secret is removed.
 */
export async function restoreVersion(
  port: VaultPort,
  at: KvLocation,
  version: number,
  cas: number,
  ctx: ActionContext,
): Promise<number> {
  const meta = await port.kvMetadata(at, { signal: ctx.signal });
  const current = meta?.currentVersion ?? 0;
  if (current !== cas) throw casConflict(at, cas, current);
  if (version === 0) {
    await port.kvDeleteAll(at, { signal: ctx.signal });
    ctx.log(`${shown(at)} did not exist before this run; removed it`);
    return 0;
  }
  const old = await port.kvRead(at, { version, signal: ctx.signal });
  const written = await port.kvWrite(at, wrapData(old.data, ctx, `${shown(at)}@${version}`), {
    cas,
    signal: ctx.signal,
  });
  ctx.log(`${shown(at)}: version ${version}'s data written back as version ${written.version}`);
  return written.version;
}
