import { z } from 'zod';
import { RotorError } from '../../errors.js';
import { drawFor, restoreVault, snapshot, writeVault, type Snapshot } from '../rotate/common.js';
import { looksSecret } from '../rotate/value-shape.js';
import { defineAction } from '../types.js';
import { kvCurrentVersion, kvVersionBefore, kvWrittenSince } from './kv-version-check.js';
import { kvLocationParams, locate, shown, vaultPort } from './common.js';

const listOf = z.union([
  z.array(z.string().min(1)),
  z.string().transform((s) =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  ),
]);

export const kvRotateParams = z.object({
  ...kvLocationParams,
  /** The fields to replace; default: every field whose name looks like a credential. */
  fields: listOf.optional(),
});

type KvRotateParams = z.infer<typeof kvRotateParams>;

const isPem = (value: string) => value.trimStart().startsWith('-----BEGIN');

function chooseFields(p: KvRotateParams, snap: Snapshot): string[] {
  const data = snap.data;
  const keys = [...Object.keys(snap.data), ...Object.keys(snap.plain)];
  const at = shown(locate(p));
  if (p.fields?.length) {
    const missing = p.fields.filter((f) => !keys.includes(f));
    const pem = p.fields.filter((f) => f in data && isPem(data[f].reveal()));
    if (pem.length)
      throw new RotorError(
        `${at} ${pem.join(', ')} hold(s) PEM (a key or certificate): a random string would break it`,
        { hint: 'rotate certificates with the certificate runbook; nothing was changed' },
      );
    if (missing.length)
      throw new RotorError(`${at} has no field ${missing.join(', ')}`, {
        hint: `its fields are: ${keys.join(', ') || 'none'}; nothing was changed`,
      });
    return p.fields;
  }
  // A PEM key or certificate is no random string: the certificate runbook replaces those.
  const fields = Object.keys(data).filter((f) => looksSecret(f) && !isPem(data[f].reveal()));
  if (!fields.length) {
    throw new RotorError(`no field of ${at} looks like a credential (fields: ${keys.join(', ') || 'none'})`, {
      hint: 'name the fields to rotate with the fields parameter; nothing was changed',
    });
  }
  return fields;
}

/**
 * One secret of an emergency rotation in a single step: snapshot, a new random value for each
 * credential field in the old value's shape, a check-and-set patch; undo writes the snapshot back
 * as a new version. Fields that are not credentials (username, host) keep their values.
 */
export const kvRotateRandom = defineAction({
  id: 'vault.kv-rotate-random',
  summary:
    'Replace every credential field of a KV v2 secret with a new random value of the same shape (check-and-set; undo restores the version)',
  params: kvRotateParams,
  outputs: ['version', 'previous_version', 'fields'],
  changes: true,
  class: 'guarded',
  describe: (p) =>
    `new random ${p.fields?.length ? p.fields.join(', ') : 'credential fields'} in ${shown(locate(p))} (same shape as now), written as a new version with check-and-set`,
  async run(p, ctx) {
    const snap = await snapshot(p, ctx, p.fields ?? []);
    const fields = chooseFields(p, snap);
    const at = shown(locate(p));
    const data = Object.fromEntries(fields.map((f) => [f, drawFor(snap.data[f], `${at} ${f}`, ctx)]));
    const written = await writeVault(p, snap.version, data, ctx);
    return { version: written.version, previous_version: written.previous_version, fields };
  },
  async undo(p, outputs, ctx) {
    await restoreVault(p, outputs, ctx);
  },
  before: (p, ctx) => kvVersionBefore(p, ctx),
  // Drawing again after a write that happened would add a second version and lose the first
  // value's undo: the version recorded before the step tells.
  check: (p, ctx, before) => kvWrittenSince(p, ctx, before?.version),
  async recover(p, recorded, ctx) {
    if (recorded.version !== undefined) return recorded;
    const version = await kvCurrentVersion(p, ctx);
    const written = await vaultPort(ctx).kvRead(locate(p), { signal: ctx.signal });
    const fields = p.fields?.length ? p.fields : Object.keys(written.data ?? {}).filter(looksSecret);
    return { version, previous_version: version - 1, fields };
  },
});
