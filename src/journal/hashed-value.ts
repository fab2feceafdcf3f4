/**
 * How the journal stands in for a secret value: `hmac-sha256:<hex>` under the session's key
 * (src/engine/session-key.ts). Pure, so the engine, the reducers and the journal's readers all
 * recognise a hash by this one predicate instead of by spelling its prefix.
 */

const PREFIX = 'hmac-sha256:' as const;

/** A value as the journal keeps a secret. */
export type HashedValue = `hmac-sha256:${string}`;

/** The journal's form of a value from its HMAC-SHA256 hex digest. */
export function hashedValue(hexDigest: string): HashedValue {
  return `${PREFIX}${hexDigest}`;
}

/** True when a recorded value is a journal hash standing in for a secret. */
export function isHashedValue(value: unknown): value is HashedValue {
  return typeof value === 'string' && value.startsWith(PREFIX);
}
