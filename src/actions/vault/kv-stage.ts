import { z } from 'zod';
import { isSecret } from '../../engine/secret.js';
import { RotorError } from '../../errors.js';
import { defineAction, type ActionContext, type Outputs } from '../types.js';
import {
  casConflict,
  describeKeys,
  kvDataParam,
  locate,
  shown,
  versionParam,
  vaultPort,
  wrapData,
} from './common.js';
import type { KvData } from '../../ports/vault-port.js';
import { stagingParams, pendingOf } from './stage-common.js';

/** RFC 7386 merge of the staged fields into the current data: `null` removes a key. */
function merge(base: Record<string, unknown>, change: KvData): KvData {
  const out: KvData = {};
  for (const [k, v] of Object.entries(base))
    out[k] = typeof v === 'string' || isSecret(v) ? v : JSON.stringify(v);
  for (const [k, v] of Object.entries(change)) {
    if (v === null) delete out[k];
    else out[k] = v;
  }
  return out;
}

const stageParams = z.object({
  ...stagingParams,
  data: kvDataParam,
  cas: versionParam.optional(),
  mode: z.enum(['merge', 'replace']).default('merge'),
});

/** `vault.kv-stage`: Write the new value to a pending path in Vault before any target is touched. */
export const kvStage = defineAction({
  id: 'vault.kv-stage',
  summary: 'Write the new value to a pending path in Vault before any target is touched',
  params: stageParams,
  outputs: ['pending_path', 'pending_version', 'base_version', 'data'],
  changes: true,
  class: 'guarded',
  describe: (p) =>
    `stage ${describeKeys(p.data as KvData) || 'the new value'} for ${shown(locate(p))} at ${shown(pendingOf(p))}` +
    `${p.cas !== undefined ? ` (${shown(locate(p))} must still be version ${p.cas})` : ''}; ${shown(locate(p))} itself is not changed yet`,
  async run(p, ctx) {
    const port = vaultPort(ctx);
    const at = locate(p);
    const pending = pendingOf(p);
    const meta = await port.kvMetadata(at, { signal: ctx.signal });
    const base = meta?.currentVersion ?? 0;
    if (p.cas !== undefined && base !== p.cas) throw casConflict(at, p.cas, base);
    const current =
      p.mode === 'merge' && base > 0
        ? wrapData((await port.kvRead(at, { signal: ctx.signal })).data, ctx, shown(at))
        : {};
    const data = merge(current, p.data as KvData);
    const pendingMeta = await port.kvMetadata(pending, { signal: ctx.signal });
    const { version } = await port.kvWrite(pending, data, {
      cas: pendingMeta?.currentVersion ?? 0,
      signal: ctx.signal,
    });
    // Tells whoever finds a stray pending secret what it is; promotion needs it when no cas is given.
    await port.kvWriteCustomMetadata(
      pending,
      { staged_for: shown(at), base_version: String(base), staged_by: 'rotor' },
      { signal: ctx.signal },
    );
    ctx.log(
      `staged at ${shown(pending)} version ${version}; ${shown(at)} stays at version ${base} until promotion`,
    );
    return {
      pending_path: pending.path,
      pending_version: version,
      base_version: base,
      data: wrapData(
        Object.fromEntries(Object.entries(data).map(([k, v]) => [k, isSecret(v) ? v.reveal() : v])),
        ctx,
        `steps.${ctx.stepId}.data`,
      ),
    };
  },
  async undo(p, outputs, ctx) {
    const pending = pendingOf(p);
    const meta = await vaultPort(ctx).kvMetadata(pending, { signal: ctx.signal });
    if (!meta) return;
    if (meta.currentVersion !== Number(outputs.pending_version)) {
      ctx.log(
        `${shown(pending)} changed after staging (version ${meta.currentVersion}); left in place for an operator to look at`,
      );
      return;
    }
    await vaultPort(ctx).kvDeleteAll(pending, { signal: ctx.signal });
    ctx.log(`removed the staged value at ${shown(pending)}`);
  },
  async check(p, ctx) {
    // A staged value may already be what a target holds: never overwrite it on resume.
    return (await vaultPort(ctx).kvMetadata(pendingOf(p), { signal: ctx.signal })) ? 'done' : 'not-done';
  },
  async recover(p, recorded, ctx) {
    // The staged value is the one the target may already hold: resume finishes with exactly it.
    const port = vaultPort(ctx);
    const pending = pendingOf(p);
    const meta = await port.kvMetadata(pending, { signal: ctx.signal });
    if (!meta) return recoverPromoted(p, recorded, ctx);
    const staged = await port.kvRead(pending, { signal: ctx.signal });
    return {
      pending_path: pending.path,
      pending_version: staged.version,
      base_version: Number(recorded.base_version ?? meta.customMetadata?.base_version ?? 0),
      data: wrapData(staged.data, ctx, `steps.${ctx.stepId}.data`),
    };
  },
});

/**
 * The pending path is gone when the session stopped after promotion (which removes it): the
 * staged value is then the version promotion wrote, the one right after the recorded base.
 */
async function recoverPromoted(
  p: z.infer<typeof stageParams>,
  recorded: Outputs,
  ctx: ActionContext,
): Promise<Outputs> {
  const at = locate(p);
  const base = Number(recorded.base_version);
  const meta = await vaultPort(ctx).kvMetadata(at, { signal: ctx.signal });
  if (!Number.isInteger(base) || !meta || meta.currentVersion <= base) {
    throw new RotorError(
      `the value staged for ${shown(at)} is gone: ${shown(pendingOf(p))} no longer exists and ${shown(at)} was not promoted past version ${recorded.base_version}`,
      {
        hint: 'the new value may be on the target only: compare the target with Vault and rotate again',
      },
    );
  }
  const promoted = await vaultPort(ctx).kvRead(at, { version: base + 1, signal: ctx.signal });
  ctx.log(`already promoted: ${shown(at)} version ${base + 1} holds the staged value`);
  return {
    pending_path: pendingOf(p).path,
    pending_version: Number(recorded.pending_version ?? 0),
    base_version: base,
    data: wrapData(promoted.data, ctx, `steps.${ctx.stepId}.data`),
  };
}
