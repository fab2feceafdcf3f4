import { createHash } from 'node:crypto';
import type { Secret } from '../engine/secret.js';

const HASHES: Record<string, string> = {
  rabbit_password_hashing_sha256: 'sha256',
  rabbit_password_hashing_sha512: 'sha512',
  rabbit_password_hashing_md5: 'md5',
};

/**
 * Whether a stored RabbitMQ hash is of this password: base64(salt[4] ‖ H(salt[4] ‖ password)).
 * Lets `check` tell after a crash whether the change happened without logging in.
 */
export function rabbitHashMatches(hash: Secret, algorithm: string, password: Secret): boolean {
  const name = HASHES[algorithm];
  const bytes = Buffer.from(hash.reveal(), 'base64');
  if (!name || bytes.length < 5) return false;
  const salt = bytes.subarray(0, 4);
  const digest = createHash(name).update(salt).update(password.reveal(), 'utf8').digest();
  return digest.equals(bytes.subarray(4));
}
