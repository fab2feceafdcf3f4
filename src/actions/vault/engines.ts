import { z } from 'zod';
import { RotorError } from '../../errors.js';
import { defineAction } from '../types.js';
import { vaultPort } from './common.js';
import { engineNameParam as name, mountParam } from './params.js';

export const transitKeyInfo = defineAction({
  id: 'vault.transit-key-info',
  summary: "Show a transit key's versions",
  params: z.object({ key: name, mount: mountParam.default('transit') }),
  outputs: ['latest_version', 'min_decryption_version', 'min_encryption_version', 'versions'],
  changes: false,
  class: 'safe',
  describe: (p) => `read transit key ${p.key} at ${p.mount}/; changes nothing`,
  async run(p, ctx) {
    const info = await vaultPort(ctx).transitKeyInfo(p.mount, p.key, { signal: ctx.signal });
    ctx.log(
      `transit key ${p.key}: latest version ${info.latestVersion}, decrypts from version ${info.minDecryptionVersion}`,
    );
    return {
      latest_version: info.latestVersion,
      min_decryption_version: info.minDecryptionVersion,
      min_encryption_version: info.minEncryptionVersion,
      versions: Object.keys(info.versions).length,
    };
  },
});

export const transitRotate = defineAction({
  id: 'vault.transit-rotate',
  summary: 'Add a new version to a transit key (older versions still decrypt)',
  params: z.object({ key: name, mount: mountParam.default('transit') }),
  outputs: ['latest_version', 'previous_version'],
  changes: true,
  // A key version cannot be removed again; older data keeps decrypting, so nothing needs undoing.
  class: 'point-of-no-return',
  describe: (p) =>
    `rotate transit key ${p.key} at ${p.mount}/: new encryptions use a new version, older ciphertext still decrypts`,
  async run(p, ctx) {
    const port = vaultPort(ctx);
    const before = await port.transitKeyInfo(p.mount, p.key, { signal: ctx.signal });
    const after = await port.transitRotate(p.mount, p.key, { signal: ctx.signal });
    ctx.log(`transit key ${p.key}: version ${before.latestVersion} → ${after.latestVersion}`);
    return { latest_version: after.latestVersion, previous_version: before.latestVersion };
  },
});

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

const DURATION = /^(\d+)(s|m|h)?$/;

export const renewLeases = defineAction({
  id: 'vault.renew-leases',
  summary: 'Renew leases of dynamic credentials (vault lease renew)',
  params: z.object({
    lease_ids: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
    /** Requested extension: seconds, or "90s", "30m", "1h". */
    increment: z.union([z.number().int().positive(), z.string().regex(DURATION)]).optional(),
  }),
  outputs: ['renewed', 'min_lease_duration'],
  changes: true,
  // Renewing only extends a lease; there is nothing to put back.
  class: 'safe',
  describe: (p) =>
    `renew ${[p.lease_ids].flat().length} lease(s)${p.increment !== undefined ? ` by ${p.increment}` : ''}`,
  async run(p, ctx) {
    const ids = [p.lease_ids].flat();
    const m = typeof p.increment === 'string' ? DURATION.exec(p.increment) : null;
    const seconds = m
      ? Number(m[1]) * ({ s: 1, m: 60, h: 3600 }[m[2] as 's' | 'm' | 'h'] ?? 1)
      : (p.increment as number | undefined);
    let min = Infinity;
    for (const [i, id] of ids.entries()) {
      const renewed = await vaultPort(ctx).renewLease(id, seconds, { signal: ctx.signal });
      min = Math.min(min, renewed.leaseDuration);
      ctx.progress(i + 1, ids.length, 'leases renewed');
      ctx.log(`${id}: ${renewed.leaseDuration}s left`);
    }
    return { renewed: ids.length, min_lease_duration: min };
  },
});
