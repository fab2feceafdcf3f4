import { z } from 'zod';
import { RotorError } from '../../errors.js';
import { need } from '../../ports/index.js';
import { defineAction } from '../types.js';
import { kubeName } from './common.js';
import { DATA_HASH_ANNOTATION } from './force-sync.js';

const hashParams = z.object({
  namespace: kubeName,
  name: kubeName,
  /** Keys the Secret must have (names only, never values). */
  expect_keys: z.array(z.string().min(1)).default([]),
});

/** A Secret's data as a hash, to compare before and after a rotation without ever showing it. */
export const secretHash = defineAction({
  id: 'kubernetes.secret-hash',
  summary: "Hash a Secret's data (never shows it) and check which keys it has",
  params: hashParams,
  outputs: ['hash', 'keys', 'eso_data_hash', 'resource_version'],
  changes: false,
  class: 'safe',
  describe: (p) =>
    `hash the data of Secret ${p.namespace}/${p.name}${p.expect_keys.length ? ` and check it has ${p.expect_keys.join(', ')}` : ''}; changes nothing`,
  async run(p, ctx) {
    const kube = need(ctx.ports, 'kube');
    const digest = await kube.secretDigest({ namespace: p.namespace, name: p.name });
    if (!digest)
      throw new RotorError(`Secret ${p.namespace}/${p.name} does not exist (${kube.where})`, {
        hint: 'has its ExternalSecret synced? Check the name input',
      });
    const missing = p.expect_keys.filter((k) => !digest.keys.includes(k));
    if (missing.length)
      throw new RotorError(
        `Secret ${p.namespace}/${p.name} lacks the key(s) ${missing.join(', ')}; it has ${digest.keys.join(', ') || 'none'}`,
        { hint: 'check the ExternalSecret mapping and the Vault secret' },
      );
    const hash = ctx.fingerprintOfDigest(digest.hash.reveal());
    ctx.log(`Secret ${p.namespace}/${p.name}: ${digest.keys.length} keys, data ${hash}`);
    // External Secrets' annotation is an unkeyed hash of the same data: published keyed too.
    const esoHash = digest.annotations[DATA_HASH_ANNOTATION];
    return {
      hash,
      keys: digest.keys,
      eso_data_hash: esoHash ? ctx.fingerprint(esoHash) : null,
      resource_version: digest.resourceVersion,
    };
  },
});
