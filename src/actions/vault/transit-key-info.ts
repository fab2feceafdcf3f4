import { z } from 'zod';
import { defineAction } from '../types.js';
import { vaultPort } from './common.js';
import { engineNameParam as name, mountParam } from './params.js';

/** The `vault.transit-key-info` step kind. */
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
