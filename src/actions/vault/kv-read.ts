import { z } from 'zod';
import { RotorError } from '../../errors.js';
import { defineAction } from '../types.js';
import { kvLocationParams, locate, shown, versionParam, vaultPort, wrapData } from './common.js';

/** `vault.kv-read`: Read a KV v2 secret (values stay masked). */
export const kvRead = defineAction({
  id: 'vault.kv-read',
  summary: 'Read a KV v2 secret (values stay masked)',
  params: z.object({ ...kvLocationParams, version: versionParam.optional(), field: z.string().optional() }),
  outputs: ['data', 'version', 'value'],
  changes: false,
  class: 'safe',
  describe: (p) =>
    `read ${shown(locate(p))}${p.version ? ` version ${p.version}` : ''}${p.field ? ` (field ${p.field})` : ''}; changes nothing`,
  async run(p, ctx) {
    const at = locate(p);
    const secret = await vaultPort(ctx).kvRead(at, { version: p.version || undefined, signal: ctx.signal });
    const data = wrapData(secret.data, ctx, `steps.${ctx.stepId}.data`);
    if (p.field && !(p.field in data)) {
      throw new RotorError(`${shown(at)} version ${secret.version} has no field "${p.field}"`, {
        hint: `its fields are: ${Object.keys(data).join(', ') || 'none'}`,
      });
    }
    ctx.log(`${shown(at)}: version ${secret.version}, ${Object.keys(data).length} field(s)`);
    return { data, version: secret.version, ...(p.field ? { value: data[p.field] } : {}) };
  },
});
