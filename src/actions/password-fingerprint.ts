import { createHash } from 'node:crypto';
import { reveal, type Secret } from '../engine/secret.js';

/**
 * A short, non-reversible name for a password (`sha256:1a2b3c4d5e6f`), so results can say which
 * node holds which password, and two results can be compared, without revealing either.
 */
export function fingerprint(value: Secret | string): string {
  return `sha256:${createHash('sha256').update(reveal(value)).digest('hex').slice(0, 12)}`;
}

/** The same short name from a full sha256 hex digest (what Redis's ACL GETUSER lists). */
export function fingerprintFromHex(sha256Hex: string): string {
  return `sha256:${sha256Hex.toLowerCase().slice(0, 12)}`;
}
