import { z } from 'zod';
import { defineAction } from '../types.js';
import { kvLocationParams, locate, shown, vaultPort, wrapData } from './common.js';
import { isVaultError } from '../../ports/vault-port.js';

/**
 * `vault.kv-snapshot`: Record the current version of a KV v2 secret (for check-and-set and
 * rollback; no copy is made).
 */
export const kvSnapshot = defineAction({
  id: 'vault.kv-snapshot',
  summary: 'Record the current version of a KV v2 secret (for check-and-set and rollback; no copy is made)',
  params: z.object({ ...kvLocationParams, allow_missing: z.boolean().default(false) }),
  outputs: ['version', 'data', 'keys', 'created_time'],
  changes: false,
  class: 'safe',
  describe: (p) =>
    `record the current version of ${shown(locate(p))}; its values stay in Vault, nothing is copied`,
  async run(p, ctx) {
    const at = locate(p);
    try {
      const secret = await vaultPort(ctx).kvRead(at, { signal: ctx.signal });
      ctx.log(`${shown(at)} is at version ${secret.version}; rollback will write that version back`);
      return {
        version: secret.version,
        data: wrapData(secret.data, ctx, `steps.${ctx.stepId}.data`),
        keys: Object.keys(secret.data),
        created_time: secret.createdTime,
      };
    } catch (error) {
      if (!p.allow_missing || !isVaultError(error, 'not-found')) throw error;
      ctx.log(`${shown(at)} does not exist yet (version 0)`);
      return { version: 0, data: {}, keys: [], created_time: '' };
    }
  },
  async recover(p, recorded, ctx) {
    // The version recorded before the crash, not the current one: that is what rollback restores.
    const version = Number(recorded.version);
    if (!version) return { version: 0, data: {}, keys: [], created_time: '' };
    const secret = await vaultPort(ctx).kvRead(locate(p), { version, signal: ctx.signal });
    return {
      version,
      data: wrapData(secret.data, ctx, `steps.${ctx.stepId}.data`),
      keys: Object.keys(secret.data),
      created_time: secret.createdTime,
    };
  },
});
