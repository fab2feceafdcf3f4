import { z } from 'zod';
import { defineAction } from '../types.js';
import { vaultPort } from './common.js';
import { engineNameParam as name, mountParam } from './params.js';

/** The `vault.db-rotate-root` step kind. */
export const dbRotateRoot = defineAction({
  id: 'vault.db-rotate-root',
  summary: "Have Vault rotate a database connection's root password (nobody can read the new one)",
  params: z.object({ connection: name, mount: mountParam.default('database') }),
  outputs: [],
  changes: true,
  class: 'point-of-no-return',
  describe: (p) =>
    `rotate the root credential of database connection ${p.connection} at ${p.mount}/; the new password is known to Vault only and the old one stops working`,
  async run(p, ctx) {
    await vaultPort(ctx).dbRotateRoot(p.mount, p.connection, { signal: ctx.signal });
    ctx.log(`root credential of ${p.connection} rotated`);
    return {};
  },
});
