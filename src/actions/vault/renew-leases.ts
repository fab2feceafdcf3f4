import { z } from 'zod';
import { defineAction } from '../types.js';
import { vaultPort } from './common.js';

const DURATION = /^(\d+)(s|m|h)?$/;

/** `vault.renew-leases`: Renew leases of dynamic credentials (vault lease renew). */
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
