import { z } from 'zod';
import { defineAction } from '../types.js';
import { vaultPort } from './common.js';

/** `vault.seal-status`: Show whether Vault is sealed and the unseal progress. */
export const sealStatus = defineAction({
  id: 'vault.seal-status',
  summary: 'Show whether Vault is sealed and the unseal progress',
  params: z.object({}),
  outputs: ['sealed', 'threshold', 'shares', 'progress'],
  changes: false,
  class: 'safe',
  describe: () => "read Vault's seal status; changes nothing",
  async run(_p, ctx) {
    const s = await vaultPort(ctx).sealStatus({ signal: ctx.signal });
    ctx.log(s.sealed ? `sealed: ${s.progress}/${s.threshold} shares given (of ${s.shares})` : 'unsealed');
    return { sealed: s.sealed, threshold: s.threshold, shares: s.shares, progress: s.progress };
  },
});
