import { randomBytes } from 'node:crypto';

/**
 * A share of the right length whose x coordinate (last byte) differs from the given shares', so
 * Vault recombines it into a wrong key (400) rather than refusing a duplicate part (500). A fixed
 * or random x coordinate would collide with a real share's now and then, and the test would flake.
 */
export function wrongShare(shares: readonly string[]): string {
  const taken = new Set(shares.map((s) => Buffer.from(s, 'base64').at(-1)));
  const share = randomBytes(33);
  let x = 1;
  while (taken.has(x)) x++;
  share[32] = x;
  return share.toString('base64');
}
