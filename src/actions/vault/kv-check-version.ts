import { z } from 'zod';
import { RotorError } from '../../errors.js';
import { defineAction } from '../types.js';
import { casConflict, kvLocationParams, locate, shown, versionParam, vaultPort } from './common.js';

/** `vault.kv-check-version`: Check that a KV v2 secret is still at the version the run started from. */
export const kvCheckVersion = defineAction({
  id: 'vault.kv-check-version',
  summary: 'Check that a KV v2 secret is still at the version the run started from',
  params: z.object({ ...kvLocationParams, version: versionParam }),
  outputs: ['version'],
  changes: false,
  class: 'safe',
  describe: (p) => `check that ${shown(locate(p))} is still version ${p.version}; changes nothing`,
  async run(p, ctx) {
    const at = locate(p);
    const meta = await vaultPort(ctx).kvMetadata(at, { signal: ctx.signal });
    const current = meta?.currentVersion ?? 0;
    if (current !== p.version) throw casConflict(at, p.version, current);
    const latest = meta?.versions[current];
    if (latest?.deleted || latest?.destroyed) {
      throw new RotorError(
        `${shown(at)} version ${current} is ${latest.destroyed ? 'destroyed' : 'deleted'}: External Secrets sees "secret not found"`,
        {
          hint: `restore an earlier version with vault.kv-restore, or undelete version ${current}`,
        },
      );
    }
    ctx.log(`${shown(at)} is still version ${current}`);
    return { version: current };
  },
});
