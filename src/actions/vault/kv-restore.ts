import { z } from 'zod';
import { defineAction } from '../types.js';
import {
  casConflict,
  kvLocationParams,
  locate,
  restoreVersion,
  shown,
  versionParam,
  vaultPort,
} from './common.js';
import { kvCurrentVersion, kvVersionBefore, kvWrittenSince } from './kv-version-check.js';

/** The `vault.kv-restore` step kind. */
export const kvRestore = defineAction({
  id: 'vault.kv-restore',
  summary: "Write an earlier version's data back as a new version (vault kv rollback; never a soft-delete)",
  params: z.object({ ...kvLocationParams, version: versionParam.min(1), cas: versionParam.optional() }),
  outputs: ['version', 'restored_version', 'previous_version'],
  changes: true,
  class: 'guarded',
  describe: (p) =>
    `write version ${p.version} of ${shown(locate(p))} back as a new version${p.cas !== undefined ? `, only if it is still version ${p.cas}` : ''}`,
  async run(p, ctx) {
    const at = locate(p);
    const current = (await vaultPort(ctx).kvMetadata(at, { signal: ctx.signal }))?.currentVersion ?? 0;
    if (p.cas !== undefined && current !== p.cas) throw casConflict(at, p.cas, current);
    const version = await restoreVersion(vaultPort(ctx), at, p.version, current, ctx);
    return { version, restored_version: p.version, previous_version: current };
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
  before: (p, ctx) => kvVersionBefore(p, ctx),
  // Writing the old data back twice would leave two versions and undo only one: ask Vault first.
  check: (p, ctx, before) => kvWrittenSince(p, ctx, p.cas ?? before?.version),
  async recover(p, recorded, ctx) {
    if (recorded.version !== undefined) return recorded;
    // The lock kept others out: the current version is the one this step wrote.
    const version = await kvCurrentVersion(p, ctx);
    return { version, restored_version: p.version, previous_version: version - 1 };
  },
});
