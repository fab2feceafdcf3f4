import { randomBytes, randomInt } from 'node:crypto';

/** How an existing secret value is written, so its replacement fits wherever the old one went. */
export type ValueShape =
  | { kind: 'hex'; length: number; upper: boolean }
  | { kind: 'alphanumeric'; length: number }
  | { kind: 'base64'; bytes: number }
  | { kind: 'base64url'; length: number }
  | { kind: 'printable'; length: number; alphabet: string };

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * Field names that hold credentials. `value` is included because single-field generic secrets
 * usually call their one field that; names like username, host or port never match.
 */
const SECRET_NAME = /pass|secret|token|key|cred|auth|private|salt|signing|hmac|^value$/i;

export function looksSecret(field: string): boolean {
  return SECRET_NAME.test(field);
}

/**
 * Reads the shape of a value. The order matters: hex is also alphanumeric, and alphanumeric text
 * of a length divisible by 4 is also valid base64; the narrower reading keeps every consumer happy.
 */
export function shapeOf(value: string): ValueShape {
  // An empty field has no shape to keep: give it the guide's `openssl rand -base64 32`.
  if (value === '') return { kind: 'base64', bytes: 32 };
  const length = value.length;
  if (/^[0-9a-f]+$/.test(value) && value.length >= 8) return { kind: 'hex', length, upper: false };
  if (/^[0-9A-F]+$/.test(value) && value.length >= 8) return { kind: 'hex', length, upper: true };
  if (/^[A-Za-z0-9]+$/.test(value)) return { kind: 'alphanumeric', length };
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(value) && value.length % 4 === 0)
    return { kind: 'base64', bytes: Buffer.from(value, 'base64').length };
  if (/^[A-Za-z0-9_-]+$/.test(value)) return { kind: 'base64url', length };
  // Anything else: the same length from letters, digits and the symbols the old value used.
  const symbols = [...new Set(value.replace(/[A-Za-z0-9]/g, ''))].filter((c) => c > ' ' && c <= '~').join('');
  return { kind: 'printable', length, alphabet: ALNUM + symbols };
}

function fromAlphabet(alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/** A fresh random value of the given shape. */
export function drawLike(shape: ValueShape): string {
  switch (shape.kind) {
    case 'hex': {
      const hex = randomBytes(Math.ceil(shape.length / 2))
        .toString('hex')
        .slice(0, shape.length);
      return shape.upper ? hex.toUpperCase() : hex;
    }
    case 'alphanumeric':
      return fromAlphabet(ALNUM, shape.length);
    case 'base64':
      return randomBytes(shape.bytes).toString('base64');
    case 'base64url':
      return randomBytes(Math.ceil((shape.length * 3) / 4))
        .toString('base64url')
        .slice(0, shape.length);
    case 'printable':
      return fromAlphabet(shape.alphabet, shape.length);
  }
}

/** "hex, 64 characters": for logs, never the value. */
export function describeShape(shape: ValueShape): string {
  switch (shape.kind) {
    case 'base64':
      return `base64 of ${shape.bytes} bytes`;
    case 'hex':
      return `hex, ${shape.length} characters`;
    default:
      return `${shape.kind}, ${shape.length} characters`;
  }
}
