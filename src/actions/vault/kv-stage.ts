import { z } from 'zod';
import { isSecret } from '../../engine/secret.js';
import { RotorError } from '../../errors.js';
import { defineAction, type ActionContext, type Outputs } from '../types.js';
import {
  casConflict,
  describeKeys,
  kvDataParam,
  kvLocationParams,
  locate,
  restoreVersion,
  shown,
  versionParam,
  vaultPort,
  wrapData,
} from './common.js';
import { kvPathParam } from './params.js';
import type { KvData, KvLocation } from '../../ports/vault-port.js';

/**
 * Staged rotation. The new value goes to a pending path in Vault before any target is touched,
 * and reaches the path External Secrets reads only after the target accepted and verified it.
 * A crash in between therefore never leaves a credential that only the target knows.
 */

const stagingParams = {
  ...kvLocationParams,
  /** Where the staged value waits; default `<path>.pending` beside the secret. */
  pending_path: kvPathParam.optional(),
};

function pendingOf(p: { path: string; mount?: string; pending_path?: string }): KvLocation {
  const at = locate(p);
  return p.pending_path
    ? locate({ path: p.pending_path, mount: at.mount })
    : { mount: at.mount, path: `${at.path}.pending` };
}

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

export const kvPromote = defineAction({
  id: 'vault.kv-promote',
  summary: 'Move the staged value to the path External Secrets reads, once the target verified it',
  params: z.object({
    ...stagingParams,
    cas: versionParam.optional(),
    keep_pending: z.boolean().default(false),
  }),
  outputs: ['version', 'previous_version'],
  changes: true,
  class: 'guarded',
  describe: (p) =>
    `write the staged value from ${shown(pendingOf(p))} to ${shown(locate(p))} as a new version${p.cas !== undefined ? `, only if it is still version ${p.cas}` : ''}`,
  async run(p, ctx) {
    const port = vaultPort(ctx);
    const at = locate(p);
    const pending = pendingOf(p);
    const pendingMeta = await port.kvMetadata(pending, { signal: ctx.signal });
    if (!pendingMeta)
      throw new RotorError(`nothing is staged at ${shown(pending)}`, {
        hint: 'run vault.kv-stage first (or point pending_path at the staged secret)',
      });
    const recorded = Number(pendingMeta.customMetadata?.base_version ?? NaN);
    const base = p.cas ?? recorded;
    if (!Number.isInteger(base))
      throw new RotorError(
        `${shown(pending)} does not say which version of ${shown(at)} it was staged against`,
        { hint: 'give the step a cas: the version recorded by vault.kv-snapshot' },
      );
    const staged = await port.kvRead(pending, { signal: ctx.signal });
    const { version } = await port.kvWrite(at, wrapData(staged.data, ctx, shown(pending)), {
      cas: base,
      signal: ctx.signal,
    });
    if (!p.keep_pending) await port.kvDeleteAll(pending, { signal: ctx.signal });
    ctx.log(`${shown(at)}: version ${base} → ${version} (promoted from ${shown(pending)})`);
    return { version, previous_version: base };
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
    return (await vaultPort(ctx).kvMetadata(pendingOf(p), { signal: ctx.signal })) ? 'not-done' : 'done';
  },
  async recover(p, recorded, ctx) {
    if (recorded.version !== undefined) return recorded;
    // Interrupted right after promoting: the write was checked-and-set on `cas`, so it is cas + 1.
    const at = locate(p);
    const meta = await vaultPort(ctx).kvMetadata(at, { signal: ctx.signal });
    if (p.cas === undefined || !meta || meta.currentVersion <= p.cas) {
      throw new RotorError(`cannot tell which version of ${shown(at)} the interrupted promotion wrote`, {
        hint: `vault kv metadata get ${shown(at)} shows its versions; compare with the target, then rotate again`,
      });
    }
    return { version: p.cas + 1, previous_version: p.cas };
  },
});
