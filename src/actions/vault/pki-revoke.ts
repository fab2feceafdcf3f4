import { z } from 'zod';
import { reveal } from '../../engine/secret.js';
import { secretParam } from '../secret-param.js';
import { defineAction } from '../types.js';
import { mountParam } from './params.js';
import { revoke } from './pki-common.js';

/** `vault.pki-revoke`: Revoke a certificate by serial (it goes on the CRL; cannot be undone). */
export const pkiRevoke = defineAction({
  id: 'vault.pki-revoke',
  summary: 'Revoke a certificate by serial (it goes on the CRL; cannot be undone)',
  params: z.object({ mount: mountParam.default('pki'), serial: secretParam }),
  outputs: ['serial', 'revoked_at'],
  changes: true,
  class: 'point-of-no-return',
  describe: (p) =>
    `revoke certificate ${reveal(p.serial)} at ${p.mount}/: clients checking the CRL refuse it from then on; cannot be undone`,
  async run(p, ctx) {
    // A serial is public (it is printed in the certificate), even when it came out of a KV snapshot.
    const serial = reveal(p.serial).trim();
    const at = await revoke(p.mount, serial, ctx);
    ctx.log(`revoked ${serial} at ${at}`);
    return { serial, revoked_at: at };
  },
});
