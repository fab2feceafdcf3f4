import { z } from 'zod';
import { RotorError } from '../../errors.js';
import { defineAction } from '../types.js';
import { vaultPort } from './common.js';
import { mountParam } from './params.js';
import { seg } from './pki-common.js';

/** The `vault.pki-ca` step kind. */
export const pkiCa = defineAction({
  id: 'vault.pki-ca',
  summary: "Read a Vault PKI mount's CA certificate (the trust anchor to validate against)",
  params: z.object({ mount: mountParam.default('pki') }),
  outputs: ['certificate'],
  changes: false,
  class: 'safe',
  describe: (p) => `read the CA certificate of ${p.mount}/; changes nothing`,
  async run(p, ctx) {
    const data = await vaultPort(ctx).read(`${seg(p.mount)}/cert/ca`, { signal: ctx.signal });
    if (typeof data.certificate !== 'string' || !data.certificate)
      throw new RotorError(`${p.mount}/ has no CA certificate`, {
        hint: `configure a root or intermediate: vault write ${p.mount}/root/generate/internal …`,
      });
    return { certificate: data.certificate };
  },
});
