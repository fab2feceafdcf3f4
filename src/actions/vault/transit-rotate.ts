import { z } from 'zod';
import { defineAction } from '../types.js';
import { vaultPort } from './common.js';
import { engineNameParam as name, mountParam } from './params.js';

/** `vault.transit-rotate`: Add a new version to a transit key (older versions still decrypt). */
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
