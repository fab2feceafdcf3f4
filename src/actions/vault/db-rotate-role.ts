import { z } from 'zod';
import { RotorError } from '../../errors.js';
import { defineAction } from '../types.js';
import { vaultPort } from './common.js';
import { engineNameParam as name, mountParam } from './params.js';

/** The `vault.db-rotate-role` step kind. */
export const dbRotateRole = defineAction({
  id: 'vault.db-rotate-role',
  summary: "Have Vault rotate a database static role's password now",
  params: z.object({ role: name, mount: mountParam.default('database') }),
  outputs: ['username', 'password', 'last_vault_rotation'],
  changes: true,
  class: 'point-of-no-return',
  describe: (p) =>
    `rotate the password of static role ${p.role} at ${p.mount}/ in the database; the old password stops working`,
  async run(p, ctx) {
    const port = vaultPort(ctx);
    const before = await port.dbStaticCreds(p.mount, p.role, { signal: ctx.signal });
    await port.dbRotateRole(p.mount, p.role, { signal: ctx.signal });
    const after = await port.dbStaticCreds(p.mount, p.role, { signal: ctx.signal });
    if (after.password === before.password) {
      throw new RotorError(`static role ${p.role} still has its old password after rotate-role`, {
        hint: `look at Vault's log for ${p.mount}/rotate-role/${p.role}`,
      });
    }
    ctx.log(`static role ${p.role} (user ${after.username}) rotated at ${after.lastVaultRotation}`);
    return {
      username: after.username,
      password: ctx.secret(after.password, `steps.${ctx.stepId}.password`),
      last_vault_rotation: after.lastVaultRotation,
    };
  },
});
