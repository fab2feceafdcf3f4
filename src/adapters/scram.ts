import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * SCRAM-SHA-256 verifiers as PostgreSQL stores them in pg_authid.rolpassword:
 * `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>` (RFC 5802, RFC 7677).
 *
 * Computing the verifier here, as psql's `\password` does, means the ALTER ROLE statement never
 * carries the plaintext: a server logging every statement records nothing a client can log in with.
 */

/** PostgreSQL's default `scram_iterations`. */
export const SCRAM_ITERATIONS = 4096;
const SALT_BYTES = 16;

// RFC 3454 table C.1.2 (non-ASCII spaces) and B.1 (mapped to nothing), as libpq and node-pg use.
const NON_ASCII_SPACE = /[\u00A0\u1680\u2000-\u200B\u202F\u205F\u3000]/g;
// eslint-disable-next-line no-misleading-character-class
const MAPPED_TO_NOTHING = /[\u00AD\u034F\u1806\u180B\u180C\u180D\u200C\u200D\u2060\uFE00-\uFE0F\uFEFF]/g;
// A practical subset of the prohibited tables (controls, private use, surrogates, non-characters).
const PROHIBITED = /[\u0000-\u001F\u007F-\u009F\uE000-\uF8FF\uD800-\uDFFF\uFDD0-\uFDEF\uFFFE\uFFFF]/;

/**
 * SASLprep (RFC 4013) the way PostgreSQL applies it: ASCII passes unchanged, and a password whose
 * prepared form is prohibited is used raw rather than refused (pg_saslprep's fallback).
 */
export function saslPrep(password: string): string {
  if (/^[\u0000-\u007F]*$/.test(password)) return password;
  const prepared = password.replace(NON_ASCII_SPACE, ' ').replace(MAPPED_TO_NOTHING, '').normalize('NFKC');
  return PROHIBITED.test(prepared) || prepared === '' ? password : prepared;
}

function hmac(key: Buffer, text: string): Buffer {
  return createHmac('sha256', key).update(text).digest();
}

function keys(password: string, salt: Buffer, iterations: number): { storedKey: Buffer; serverKey: Buffer } {
  const salted = pbkdf2Sync(Buffer.from(saslPrep(password), 'utf8'), salt, iterations, 32, 'sha256');
  const clientKey = hmac(salted, 'Client Key');
  return {
    storedKey: createHash('sha256').update(clientKey).digest(),
    serverKey: hmac(salted, 'Server Key'),
  };
}

/** Builds a verifier for the password; salt and iterations are fixed only by tests. */
export function scramVerifier(
  password: string,
  options: { salt?: Buffer; iterations?: number } = {},
): string {
  const salt = options.salt ?? randomBytes(SALT_BYTES);
  const iterations = options.iterations ?? SCRAM_ITERATIONS;
  const { storedKey, serverKey } = keys(password, salt, iterations);
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

/** The parts of a stored verifier, or null when the text is not a SCRAM-SHA-256 verifier. */
export function parseScramVerifier(
  verifier: string,
): { iterations: number; salt: Buffer; storedKey: Buffer; serverKey: Buffer } | null {
  const match = /^SCRAM-SHA-256\$(\d+):([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+)$/.exec(
    verifier,
  );
  if (!match) return null;
  return {
    iterations: Number(match[1]),
    salt: Buffer.from(match[2], 'base64'),
    storedKey: Buffer.from(match[3], 'base64'),
    serverKey: Buffer.from(match[4], 'base64'),
  };
}

/** True when the password is the one the verifier was built from (what a server checks at login). */
export function scramMatches(verifier: string, password: string): boolean {
  const parts = parseScramVerifier(verifier);
  if (!parts) return false;
  const { storedKey } = keys(password, parts.salt, parts.iterations);
  return storedKey.length === parts.storedKey.length && timingSafeEqual(storedKey, parts.storedKey);
}
