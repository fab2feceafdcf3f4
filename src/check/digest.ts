import { createHmac, randomBytes } from 'node:crypto';
import type { Digest } from './cluster-view.js';

/**
 * A digest under a key made for this run and never stored: Vault's values and the Secrets' are
 * compared as HMACs, so no value, nor an unkeyed hash anyone could test guesses against, leaves
 * the process.
 */
export function runDigest(key: Uint8Array = randomBytes(32)): Digest {
  return (value) => createHmac('sha256', key).update(value).digest('hex');
}
