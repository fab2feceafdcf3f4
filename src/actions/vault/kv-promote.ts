import { z } from 'zod';
import { RotorError } from '../../errors.js';
import { defineAction } from '../types.js';
import { locate, restoreVersion, shown, versionParam, vaultPort, wrapData } from './common.js';
import { stagingParams, pendingOf } from './stage-common.js';

/**
 * `vault.kv-promote`: Move the staged value to the path External Secrets reads, once the target
 * verified it.
 */
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
