import { randomInt } from 'node:crypto';
import type { DatabaseAdmin, DatabaseConnection } from '../../ports/database-admin-port.js';

export type { DatabaseAdmin, DatabaseConnection };

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = LOWER.toUpperCase();
const DIGITS = '0123456789';
const ALL = `${LOWER}${UPPER}${DIGITS}-`;

/** A password under Vault's default database password policy: 20 characters, each class present. */
export function generateDatabasePassword(): string {
  const chars = [LOWER, UPPER, DIGITS, '-'].map((set) => set[randomInt(set.length)]);
  while (chars.length < 20) chars.push(ALL[randomInt(ALL.length)]);
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j], chars[i]];
  }
  return chars.join('');
}

/** Random alphanumerics, for dynamic usernames and lease ids. */
export function randomAlnum(length: number): string {
  const set = `${LOWER}${UPPER}${DIGITS}`;
  let out = '';
  for (let i = 0; i < length; i++) out += set[randomInt(set.length)];
  return out;
}
