import { z } from 'zod';
import { RotorError } from '../../errors.js';
import { Secret, reveal } from '../../engine/secret.js';
import { defineAction } from '../types.js';
import { asSecret, secretParam } from '../secret-param.js';
import { vaultPort } from './common.js';
import { VaultError } from '../../ports/vault-port.js';

export const health = defineAction({
  id: 'vault.health',
  summary: 'Check that Vault is initialised, unsealed and active',
  params: z.object({ allow_standby: z.boolean().default(false) }),
  outputs: ['sealed', 'initialized', 'standby', 'version', 'status'],
  changes: false,
  class: 'safe',
  describe: () => "check Vault's health (sys/health); changes nothing",
  async run(p, ctx) {
    const port = vaultPort(ctx);
    const h = await port.health({ signal: ctx.signal });
    const outputs = {
      sealed: h.sealed,
      initialized: h.initialized,
      standby: h.standby,
      version: h.version,
      status: h.status,
    };
    if (!h.initialized)
      throw new RotorError(`Vault at ${port.address} is not initialised (501)`, {
        hint: 'initialise it (vault operator init) before any rotation',
      });
    if (h.sealed)
      throw new VaultError('sealed', `Vault at ${port.address} is sealed (503)`, {
        status: 503,
        hint: 'unseal it with the key holders (the vault.unseal step, or the Vault-sealed emergency runbook)',
      });
    if (h.standby && !p.allow_standby)
      throw new RotorError(`Vault at ${port.address} is a standby node (429)`, {
        hint: 'point VAULT_ADDR at the active node',
      });
    ctx.log(`Vault ${h.version} at ${port.address}: active, unsealed`);
    return outputs;
  },
});

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
