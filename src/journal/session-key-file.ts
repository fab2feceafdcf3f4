import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SESSION_KEY_BYTES, SessionKey } from '../engine/session-key.js';
import { RotorError, UsageError } from '../errors.js';

/**
 * Each session's HMAC key, one 0600 file per session in a 0700 folder of the state directory
 * (`<state>/keys/<session-id>.key`), apart from the journals: a journal pasted into a ticket or
 * a chat then holds only keyed hashes nobody can test guesses against, while `rotor resume` on
 * this machine (or on the CronJob's volume) hashes values exactly as the first run did.
 */

const SESSION_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function sessionKeyPath(keyDir: string, sessionId: string): string {
  // A session id comes from the command line on resume: it must name a file in this folder only.
  if (!SESSION_ID.test(sessionId) || sessionId.includes('..'))
    throw new UsageError(
      `"${sessionId}" is not a session id`,
      '`rotor sessions` lists the sessions recorded here',
    );
  return join(keyDir, `${sessionId}.key`);
}

function ensureFolder(keyDir: string): void {
  mkdirSync(keyDir, { recursive: true, mode: 0o700 });
  chmodSync(keyDir, 0o700);
}

/** A new random key for a new session; fails if the session already has one. */
export function createSessionKey(keyDir: string, sessionId: string): SessionKey {
  ensureFolder(keyDir);
  const bytes = randomBytes(SESSION_KEY_BYTES);
  writeFileSync(sessionKeyPath(keyDir, sessionId), bytes, { mode: 0o600, flag: 'wx' });
  return new SessionKey(bytes);
}

/**
 * The key of a session being resumed. A session journalled before keys were kept, or whose key
 * file is gone, gets a new one: hashes recorded before the resume then no longer compare with
 * later ones, which loses comparisons, never secrets.
 */
export function resumeSessionKey(keyDir: string, sessionId: string): SessionKey {
  const path = sessionKeyPath(keyDir, sessionId);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return createSessionKey(keyDir, sessionId);
    throw error;
  }
  if (bytes.length !== SESSION_KEY_BYTES)
    throw new RotorError(
      `${path} is not a rotor session key (${bytes.length} bytes instead of ${SESSION_KEY_BYTES})`,
      {
        hint: `remove it to resume with a new key (hashes recorded before then will no longer compare)`,
      },
    );
  ensureFolder(keyDir);
  chmodSync(path, 0o600);
  return new SessionKey(bytes);
}
