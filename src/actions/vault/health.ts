import { z } from 'zod';
import { RotorError } from '../../errors.js';
import { defineAction } from '../types.js';
import { vaultPort } from './common.js';
import { VaultError } from '../../ports/vault-port.js';

/** `vault.health`: Check that Vault is initialised, unsealed and active. */
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
