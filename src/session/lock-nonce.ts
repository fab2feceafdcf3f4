import { createHash, randomBytes } from 'node:crypto';
import { existsSync, openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The secret that makes a rotation lock a session's own. A session id is public (it is in every
 * refusal message), so owning a lock by id let anyone who copied a journal under that id take it
 * over; the nonce lives only beside the session's journal (0600), so the same session can retake
 * its lock on resume after a kill. Vault holds only its SHA-256 (`owner`), so reading the lock
 * record does not give it away; the nonce itself is never printed, journalled or sent.
 */
export interface LockNonce {
  /** What the lock record stores and compares. */
  readonly owner: string;
}

const fileOf = (journalDir: string, sessionId: string) => join(journalDir, `${sessionId}.lock-nonce`);

/** The owner hash of a nonce. */
export function lockOwner(nonce: string): string {
  return createHash('sha256').update(`rotor-lock:${nonce}`).digest('hex');
}

/** A fresh nonce, kept only in memory: for sessions that never resume (tests, the library API). */
export function ephemeralLockNonce(): LockNonce {
  return { owner: lockOwner(randomBytes(32).toString('hex')) };
}

/**
 * The session's nonce: the one its earlier run left (a resume), else a new one written 0600 before
 * any lock is taken, so a kill at any point leaves the file the resume needs.
 */
export function sessionLockNonce(journalDir: string, sessionId: string): LockNonce {
  const file = fileOf(journalDir, sessionId);
  if (existsSync(file)) return { owner: lockOwner(readFileSync(file, 'utf8').trim()) };
  const nonce = randomBytes(32).toString('hex');
  const fd = openSync(file, 'wx', 0o600);
  try {
    writeSync(fd, nonce);
  } finally {
    closeSync(fd);
  }
  return { owner: lockOwner(nonce) };
}

/** Once the session's locks are released, the nonce has nothing left to prove. Never throws. */
export function forgetLockNonce(journalDir: string, sessionId: string): void {
  rmSync(fileOf(journalDir, sessionId), { force: true });
}
