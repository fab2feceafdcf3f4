import { z } from 'zod';
import { RotorError } from '../../errors.js';
import { defineAction } from '../types.js';
import { vaultPort } from './common.js';
import { isVaultError } from '../../ports/vault-port.js';
import { engineNameParam, mountParam } from './params.js';

const seg = (s: string) => s.split('/').map(encodeURIComponent).join('/');
const CIPHERTEXT = /^vault:v(\d+):/;
const list = z
  .union([z.string(), z.array(z.string())])
  .default([])
  .transform((v) =>
    [v]
      .flat()
      .flatMap((s) => s.split(','))
      .map((s) => s.trim())
      .filter(Boolean),
  );

/**
 * `vault write transit/rewrap/<key>`: re-encrypts ciphertexts under the latest key version
 * without ever revealing the plaintext (Vault decrypts and encrypts inside). The rewrapped
 * ciphertexts are outputs: the caller stores them where the old ones were.
 */
export const transitRewrap = defineAction({
  id: 'vault.transit-rewrap',
  summary: 'Rewrap ciphertexts under the latest version of a transit key (plaintext never leaves Vault)',
  params: z.object({
    key: engineNameParam,
    mount: mountParam.default('transit'),
    ciphertexts: list,
  }),
  outputs: ['ciphertexts', 'count', 'key_version'],
  changes: false,
  // Rewrapping changes nothing in Vault: old and new ciphertexts both decrypt.
  class: 'safe',
  describe: (p) =>
    `rewrap ${p.ciphertexts.length} ciphertext(s) under the latest version of transit key ${p.key}; changes nothing stored`,
  async run(p, ctx) {
    const out: string[] = [];
    let version = 0;
    for (const [i, ciphertext] of p.ciphertexts.entries()) {
      if (!CIPHERTEXT.test(ciphertext))
        throw new RotorError(`ciphertext ${i + 1} does not start with vault:v<N>:`, {
          hint: 'pass transit ciphertexts as Vault returned them',
        });
      let data: Record<string, unknown>;
      try {
        data = await vaultPort(ctx).write(
          `${seg(p.mount)}/rewrap/${seg(p.key)}`,
          { ciphertext },
          { signal: ctx.signal },
        );
      } catch (error) {
        if (!isVaultError(error, 'bad-request')) throw error;
        throw new RotorError(
          `transit key ${p.key} refused to rewrap ciphertext ${i + 1} (${ciphertext.slice(0, 9)}…) (400)`,
          {
            hint: 'the key may be missing, or the ciphertext older than min_decryption_version or from another key',
          },
        );
      }
      out.push(String(data.ciphertext));
      version = Number(data.key_version ?? CIPHERTEXT.exec(String(data.ciphertext))?.[1] ?? 0);
      ctx.progress(i + 1, p.ciphertexts.length, 'rewrapped');
    }
    ctx.log(`${out.length} ciphertext(s) now under version ${version} of ${p.key}`);
    return { ciphertexts: out, count: out.length, key_version: version };
  },
});
