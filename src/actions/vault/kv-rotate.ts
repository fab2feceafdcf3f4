import { z } from 'zod';
import { RotorError, UsageError } from '../../errors.js';
import type { Secret } from '../../engine/secret.js';
import { generateValue } from '../generate/value.js';
import { asSecret, secretParam } from '../secret-param.js';
import { defineAction } from '../types.js';
import {
  casConflict,
  kvLocationParams,
  locate,
  restoreVersion,
  shown,
  vaultPort,
  versionParam,
} from './common.js';
import type { KvData } from '../../ports/vault-port.js';

/** `api-key` or `a, b`: runbook inputs carry lists as comma-separated text. */
const fieldList = z.union([z.string(), z.array(z.string())]).transform((v, c) => {
  const fields = [v]
    .flat()
    .flatMap((f) => f.split(','))
    .map((f) => f.trim())
    .filter(Boolean);
  if (!fields.length) c.addIssue({ code: 'custom', message: 'name at least one field' });
  return [...new Set(fields)];
});

const params = z.object({
  ...kvLocationParams,
  fields: fieldList,
  /** The version the run started from (`{{ steps.backup.version }}`); the write is refused if it moved. */
  cas: versionParam.optional(),
  /** A value drawn by an earlier step (generate.password); only with a single field. */
  value: secretParam.optional(),
  /** Otherwise each field gets its own random value, drawn as generate.password draws. */
  bytes: z.coerce.number().int().min(8).max(1024).default(32),
  encoding: z.enum(['base64', 'base64url', 'hex']).default('base64'),
  strip: z.string().optional(),
  length: z.coerce.number().int().min(8).max(4096).optional(),
  /** Keep each old value as `<field><previous_suffix>` (a grace period for consumers that lag). */
  keep_previous: z
    .union([z.boolean(), z.enum(['true', 'false'])])
    .transform((v) => v === true || v === 'true')
    .default(false),
  previous_suffix: z.string().min(1).default('-previous'),
});

/**
 * The guide's appendix script as one guarded step, for any KV secret: new random values for the
 * named fields (optionally keeping the old ones as `-previous`) written as a new version with
 * check-and-set. Fields not named stay as they are. Undo writes the earlier version back.
 */
export const kvRotate = defineAction({
  id: 'vault.kv-rotate',
  summary:
    'Give fields of a KV v2 secret new random values as a new version (old ones optionally kept as -previous)',
  params,
  outputs: ['version', 'previous_version', 'fields', 'value', 'previous_value', 'values', 'previous_values'],
  changes: true,
  class: 'guarded',
  describe: (p) =>
    `patch ${shown(locate(p))} with new values for ${p.fields.join(', ')}${p.keep_previous ? ` (old ones kept as ${p.fields.map((f) => f + p.previous_suffix).join(', ')})` : ''}` +
    (p.cas !== undefined ? `, only if it is still version ${p.cas}` : ''),
  async run(p, ctx) {
    if (p.value !== undefined && p.fields.length !== 1) {
      throw new UsageError(
        `vault.kv-rotate got one value for ${p.fields.length} fields (${p.fields.join(', ')})`,
        'leave value out to draw one per field',
      );
    }
    const at = locate(p);
    const port = vaultPort(ctx);
    const current = await port.kvRead(at, { signal: ctx.signal });
    if (p.cas !== undefined && current.version !== p.cas) throw casConflict(at, p.cas, current.version);
    const label = (f: string, what: string) => `steps.${ctx.stepId}.${what}.${f}`;
    const values: Record<string, Secret> = {};
    const previous: Record<string, Secret | null> = {};
    const data: KvData = {};
    for (const field of p.fields) {
      const old = current.data[field];
      previous[field] =
        old === undefined || old === null ? null : ctx.secret(String(old), label(field, 'previous_values'));
      values[field] =
        p.value !== undefined
          ? asSecret(p.value, label(field, 'values'), ctx)
          : ctx.secret(generateValue({ ...p, alphabet: '' }), label(field, 'values'));
      if (previous[field] && values[field].reveal() === previous[field]!.reveal()) {
        throw new RotorError(`the new value of ${field} equals the current one at ${shown(at)}`, {
          hint: 'draw a new value (the generate step) and run again',
        });
      }
      data[field] = values[field];
      if (p.keep_previous && previous[field]) data[field + p.previous_suffix] = previous[field];
    }
    const { version } = await port.kvPatch(at, data, { cas: current.version, signal: ctx.signal });
    const missing = p.fields.filter((f) => !previous[f]);
    ctx.log(
      `${shown(at)}: version ${current.version} → ${version}; new ${p.fields.join(', ')}${missing.length ? ` (${missing.join(', ')} did not exist before)` : ''}`,
    );
    const first = p.fields[0];
    return {
      version,
      previous_version: current.version,
      fields: p.fields,
      value: values[first],
      previous_value: previous[first],
      values,
      previous_values: previous,
    };
  },
  async undo(p, outputs, ctx) {
    await restoreVersion(
      vaultPort(ctx),
      locate(p),
      Number(outputs.previous_version),
      Number(outputs.version),
      ctx,
    );
  },
  async check(p, ctx) {
    if (p.cas === undefined) return 'not-done';
    const meta = await vaultPort(ctx).kvMetadata(locate(p), { signal: ctx.signal });
    return (meta?.currentVersion ?? 0) > p.cas ? 'done' : 'not-done';
  },
  async recover(p, recorded, ctx) {
    // The lock kept others out: the version after `cas` (or the recorded one) is the one written here.
    const previousVersion = Number(recorded.previous_version ?? p.cas);
    const version = Number(recorded.version ?? previousVersion + 1);
    const port = vaultPort(ctx);
    const [now, before] = await Promise.all([
      port.kvRead(locate(p), { version, signal: ctx.signal }),
      port.kvRead(locate(p), { version: previousVersion, signal: ctx.signal }),
    ]);
    const values: Record<string, Secret> = {};
    const previous: Record<string, Secret | null> = {};
    for (const field of p.fields) {
      values[field] = ctx.secret(String(now.data[field]), `steps.${ctx.stepId}.values.${field}`);
      previous[field] =
        before.data[field] === undefined
          ? null
          : ctx.secret(String(before.data[field]), `steps.${ctx.stepId}.previous_values.${field}`);
    }
    const first = p.fields[0];
    return {
      version,
      previous_version: previousVersion,
      fields: p.fields,
      value: values[first],
      previous_value: previous[first],
      values,
      previous_values: previous,
    };
  },
});
