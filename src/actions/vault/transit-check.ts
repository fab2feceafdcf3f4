import { z } from 'zod';
import { RotorError } from '../../errors.js';
import { defineAction } from '../types.js';
import { vaultPort } from './common.js';
import { engineNameParam, mountParam } from './params.js';

/**
 * After a rotation: the key has a newer version than before, and the older versions still decrypt
 * (min_decryption_version not raised), so nothing encrypted before the rotation is lost.
 */
export const transitCheck = defineAction({
  id: 'vault.transit-check',
  summary: 'Check a transit key moved past a version and still decrypts what older versions encrypted',
  params: z.object({
    key: engineNameParam,
    mount: mountParam.default('transit'),
    newer_than: z.coerce.number().int().min(0),
  }),
  outputs: ['latest_version', 'min_decryption_version'],
  changes: false,
  class: 'safe',
  describe: (p) =>
    `check transit key ${p.key} is past version ${p.newer_than} and still decrypts version ${p.newer_than}; changes nothing`,
  async run(p, ctx) {
    const info = await vaultPort(ctx).transitKeyInfo(p.mount, p.key, { signal: ctx.signal });
    if (info.latestVersion <= p.newer_than) {
      throw new RotorError(
        `transit key ${p.key} is still at version ${info.latestVersion}, expected more than ${p.newer_than}`,
        { hint: 'the rotation did not take effect: run the rotate step again' },
      );
    }
    if (p.newer_than > 0 && info.minDecryptionVersion > p.newer_than) {
      throw new RotorError(
        `transit key ${p.key} no longer decrypts version ${p.newer_than} (min_decryption_version ${info.minDecryptionVersion})`,
        {
          hint: `data encrypted before the rotation is unreadable until min_decryption_version goes back: vault write ${p.mount}/keys/${p.key}/config min_decryption_version=${p.newer_than}`,
        },
      );
    }
    ctx.log(
      `transit key ${p.key}: latest version ${info.latestVersion}, decrypts from version ${info.minDecryptionVersion}`,
    );
    return { latest_version: info.latestVersion, min_decryption_version: info.minDecryptionVersion };
  },
});
