import { randomBytes, randomInt } from 'node:crypto';
import { z } from 'zod';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export const passwordParams = z.object({
  /** Random bytes to draw, as `openssl rand <bytes>` does. */
  bytes: z.coerce.number().int().min(8).max(1024).default(32),
  encoding: z.enum(['base64', 'base64url', 'hex', 'alphabet']).default('base64'),
  /** Characters to draw from when encoding is `alphabet`. */
  alphabet: z.string().min(2).default(ALPHANUMERIC),
  /** Keep only this many characters (the guide's `tr -d "=+/" | cut -c1-32`). */
  length: z.coerce.number().int().min(8).max(4096).optional(),
  /** Remove these characters before cutting to length (the guide strips `=+/`). */
  strip: z.string().optional(),
});

export type PasswordParams = z.infer<typeof passwordParams>;

/** Draws a value exactly as the guide's `openssl rand` pipelines do, without spawning openssl. */
export function generateValue(params: PasswordParams): string {
  if (params.encoding === 'alphabet') {
    const length = params.length ?? params.bytes;
    let out = '';
    for (let i = 0; i < length; i++) out += params.alphabet[randomInt(params.alphabet.length)];
    return out;
  }
  let value = randomBytes(params.bytes).toString(params.encoding);
  if (params.strip) {
    const strip = new Set(params.strip);
    value = [...value].filter((c) => !strip.has(c)).join('');
  }
  return params.length ? value.slice(0, params.length) : value;
}
