import { z } from 'zod';
import { RotorError } from '../../errors.js';
import { Secret, reveal } from '../../engine/secret.js';
import { defineAction } from '../types.js';
import { asSecret, secretParam } from '../secret-param.js';
import { vaultPort } from './common.js';

/** `vault.unseal`: Unseal Vault: each key holder types a share, masked; progress t/n on screen. */
export const unseal = defineAction({
  id: 'vault.unseal',
  summary: 'Unseal Vault: each key holder types a share, masked; progress t/n on screen',
  params: z.object({
    /**
     * Shares given up front (headless runs): a list, or one secret input holding them separated
     * by commas or whitespace; the rest are asked for one at a time. Empty means ask for all.
     */
    keys: z.union([z.array(secretParam), z.string(), z.instanceof(Secret)]).optional(),
  }),
  outputs: ['sealed', 'shares_used'],
  changes: true,
  // Unsealing again is harmless, and sealing back would be no rollback.
  class: 'safe',
  describe: (p) =>
    `unseal Vault with ${Array.isArray(p.keys) && p.keys.length ? `${p.keys.length} given share(s)` : p.keys && reveal(p.keys) ? 'the given shares' : 'shares typed by the key holders'}`,
  async run(p, ctx) {
    const port = vaultPort(ctx);
    let status = await port.sealStatus({ signal: ctx.signal });
    if (!status.sealed) {
      ctx.log('Vault is already unsealed');
      return { sealed: false, shares_used: 0 };
    }
    const given = Array.isArray(p.keys)
      ? [...p.keys]
      : reveal(p.keys)
          .split(/[\s,]+/)
          .filter(Boolean)
          .map((share, i) => ctx.secret(share, `unseal key share ${i + 1}`));
    let used = 0;
    ctx.progress(status.progress, status.threshold, 'unseal shares');
    while (status.sealed) {
      if (used >= status.shares) {
        throw new RotorError(
          `Vault is still sealed after ${used} shares (${status.progress}/${status.threshold} counted)`,
          { hint: 'a share was given twice: ask the other key holders' },
        );
      }
      const label = `Unseal key share ${status.progress + 1} of ${status.threshold}`;
      const share = given.length ? asSecret(given.shift()!, label, ctx) : await ctx.askSecret(label);
      status = await port.unsealShare(share, { signal: ctx.signal });
      used += 1;
      ctx.progress(status.sealed ? status.progress : status.threshold, status.threshold, 'unseal shares');
    }
    ctx.log(`Vault unsealed with ${used} share(s)`);
    return { sealed: false, shares_used: used };
  },
});
