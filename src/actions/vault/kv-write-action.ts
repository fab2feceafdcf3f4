import { z } from 'zod';
import { defineAction, type ActionContext } from '../types.js';
import {
  describeKeys,
  kvDataParam,
  kvLocationParams,
  locate,
  restoreVersion,
  shown,
  versionParam,
  vaultPort,
} from './common.js';
import type { KvData } from '../../ports/vault-port.js';

const writeParams = z.object({ ...kvLocationParams, data: kvDataParam, cas: versionParam.optional() });
type WriteParams = z.infer<typeof writeParams>;

/** The version to check-and-set against: the run's (`cas`), or the current one read just before. */
async function baseVersion(p: WriteParams, ctx: ActionContext): Promise<number> {
  if (p.cas !== undefined) return p.cas;
  return (await vaultPort(ctx).kvMetadata(locate(p), { signal: ctx.signal }))?.currentVersion ?? 0;
}

/** vault.kv-write and vault.kv-patch: the same step, replacing the data or merging into it. */
export function writeAction(id: 'vault.kv-write' | 'vault.kv-patch') {
  const patch = id === 'vault.kv-patch';
  return defineAction({
    id,
    summary: patch
      ? 'Change some fields of a KV v2 secret as a new version, if it is still at the version the run started from'
      : "Replace a KV v2 secret's data with a new version, if it is still at the version the run started from",
    params: writeParams,
    outputs: ['version', 'previous_version'],
    changes: true,
    class: 'guarded',
    describe: (p) =>
      `${patch ? 'patch' : 'write'} ${shown(locate(p))} as a new version (${describeKeys(p.data as KvData) || 'no fields'})` +
      (p.cas !== undefined
        ? `, only if it is still version ${p.cas}`
        : ', checked against its version at the time'),
    async run(p, ctx) {
      const at = locate(p);
      const previous = await baseVersion(p, ctx);
      const port = vaultPort(ctx);
      const data = p.data as KvData;
      const { version } = patch
        ? await port.kvPatch(at, data, { cas: previous, signal: ctx.signal })
        : await port.kvWrite(at, data, { cas: previous, signal: ctx.signal });
      ctx.log(`${shown(at)}: version ${previous} → ${version}`);
      return { version, previous_version: previous };
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
    async recover(p, recorded) {
      // The rotation lock kept anyone else out, so the version after `cas` is the one this step wrote.
      if (recorded.version !== undefined) return recorded;
      return { version: (p.cas ?? 0) + 1, previous_version: p.cas ?? 0 };
    },
  });
}
