import { randomBytes } from 'node:crypto';

/**
 * Shamir's secret sharing over GF(2^8), the scheme Vault uses for unseal keys: each share is the
 * secret's bytes evaluated on a random polynomial, with the x coordinate as the last byte.
 * Any `threshold` distinct shares recombine the secret; fewer reveal nothing.
 */

const EXP = new Uint8Array(512);
const LOG = new Uint8Array(256);
(() => {
  let x = 1;
  for (let i = 0; i < 255; i++) {
    EXP[i] = x;
    LOG[x] = i;
    x ^= x << 1; // multiply by the generator 3
    if (x & 0x100) x ^= 0x11b;
  }
  for (let i = 255; i < 512; i++) EXP[i] = EXP[i - 255];
})();

function mul(a: number, b: number): number {
  return a === 0 || b === 0 ? 0 : EXP[LOG[a] + LOG[b]];
}

function div(a: number, b: number): number {
  if (b === 0) throw new Error('division by zero');
  return a === 0 ? 0 : EXP[(LOG[a] + 255 - LOG[b]) % 255];
}

/** Splits `secret` into `parts` shares, any `threshold` of which recombine it. */
export function split(secret: Buffer, parts: number, threshold: number): Buffer[] {
  if (threshold < 1 || threshold > parts || parts > 255) throw new Error('invalid share parameters');
  const xs = new Set<number>();
  while (xs.size < parts) xs.add(1 + (randomBytes(1)[0] % 255));
  const shares = [...xs].map((x) => {
    const share = Buffer.alloc(secret.length + 1);
    share[secret.length] = x;
    return share;
  });
  for (let byte = 0; byte < secret.length; byte++) {
    const coefficients = [secret[byte], ...randomBytes(threshold - 1)];
    for (const share of shares) {
      const x = share[secret.length];
      let y = 0;
      for (let k = coefficients.length - 1; k >= 0; k--) y = mul(y, x) ^ coefficients[k];
      share[byte] = y;
    }
  }
  return shares;
}

/** Recombines shares by Lagrange interpolation at x = 0. */
export function combine(shares: readonly Buffer[]): Buffer {
  // shamir.Combine's own checks, in its words (a single part only reaches here with threshold 1,
  // where this emulator still splits the key and Vault uses the key as is).
  if (shares[0].length < 2) throw new Error('parts must be at least two bytes');
  if (shares.some((s) => s.length !== shares[0].length)) throw new Error('all parts must be the same length');
  const length = shares[0].length - 1;
  const xs = shares.map((s) => s[length]);
  // Vault's shamir.Combine refuses two parts with the same x coordinate before interpolating.
  if (new Set(xs).size !== xs.length) throw new Error('duplicate part detected');
  const secret = Buffer.alloc(length);
  for (let byte = 0; byte < length; byte++) {
    let value = 0;
    for (let i = 0; i < shares.length; i++) {
      let basis = 1;
      for (let j = 0; j < shares.length; j++) {
        if (i !== j) basis = mul(basis, div(xs[j], xs[j] ^ xs[i]));
      }
      value ^= mul(shares[i][byte], basis);
    }
    secret[byte] = value;
  }
  return secret;
}
