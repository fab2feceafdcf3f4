import { z } from 'zod';
import { defineAction } from '../types.js';
import { vaultPort } from './common.js';
import { engineNameParam as name, mountParam } from './params.js';

/** The `vault.db-static-creds` step kind. */
export const dbStaticCreds = defineAction({
  id: 'vault.db-static-creds',
  summary: "Read a database static role's current credentials (password stays masked)",
  params: z.object({ role: name, mount: mountParam.default('database') }),
  outputs: ['username', 'password', 'ttl', 'last_vault_rotation'],
  changes: false,
  class: 'safe',
  describe: (p) => `read the credentials of static role ${p.role} at ${p.mount}/; changes nothing`,
  async run(p, ctx) {
    const creds = await vaultPort(ctx).dbStaticCreds(p.mount, p.role, { signal: ctx.signal });
    ctx.log(`static role ${p.role}: user ${creds.username}, rotated ${creds.lastVaultRotation}`);
    return {
      username: creds.username,
      password: ctx.secret(creds.password, `steps.${ctx.stepId}.password`),
      ttl: creds.ttl,
      last_vault_rotation: creds.lastVaultRotation,
    };
  },
});
