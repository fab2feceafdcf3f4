import { createHash, createHmac, randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { reveal, type Secret } from './secret.js';
import { hashedValue } from '../journal/hashed-value.js';

/** Bytes of a session key: as long as the SHA-256 block needs, so HMAC uses it whole. */
export const SESSION_KEY_BYTES = 32;

/** Hex digits of a fingerprint: enough to tell a handful of passwords apart on a screen. */
const FINGERPRINT_HEX = 12;

/**
 * A session's HMAC key. Everything rotor records or shows about a secret value is keyed by it
 * (the journal's `hmac-sha256:<hex>`, the short `hmac:<hex>` fingerprints on screen), so a
 * journal, a report or a screenshot cannot be checked against a list of guessed passwords: an
 * unkeyed hash of a password is only as strong as the password. The key lives in its own 0600
 * file (src/journal/session-key-file.ts) so a resumed session hashes the same value the same way.
 */
export class SessionKey {
  readonly #key: Buffer;

  constructor(key: Uint8Array) {
    if (key.length !== SESSION_KEY_BYTES)
      throw new Error(`a session key has ${SESSION_KEY_BYTES} bytes, not ${key.length}`);
    this.#key = Buffer.from(key);
  }

  /** A fresh key kept in memory only: for records that are never resumed, and for tests. */
  static random(): SessionKey {
    return new SessionKey(randomBytes(SESSION_KEY_BYTES));
  }

  /** How the journal stores a secret value: comparable within the session, never reversible without the key. */
  hmac(value: string): string {
    return hashedValue(createHmac('sha256', this.#key).update(value, 'utf8').digest('hex'));
  }

  /** A short keyed name for a password (`hmac:1a2b3c4d5e6f`), so results can say which node holds which. */
  fingerprint(value: Secret | string): string {
    return this.fingerprintOfDigest(createHash('sha256').update(reveal(value), 'utf8').digest('hex'));
  }

  /**
   * The same name from a value's sha256 hex digest, for digests a server hands out (Redis ACL
   * GETUSER lists them) or an adapter computes (a Kubernetes Secret's data): the digest itself
   * never leaves rotor's memory, only this keyed name of it.
   */
  fingerprintOfDigest(sha256Hex: string): string {
    const mac = createHmac('sha256', this.#key).update(`sha256:${sha256Hex.toLowerCase()}`, 'utf8');
    return `hmac:${mac.digest('hex').slice(0, FINGERPRINT_HEX)}`;
  }

  // Never printed: a key in a log or an error message would undo every HMAC of the session.
  toString(): string {
    return 'SessionKey(…)';
  }

  toJSON(): string {
    return 'SessionKey(…)';
  }

  [inspect.custom](): string {
    return 'SessionKey(…)';
  }
}
