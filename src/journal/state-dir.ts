import { mkdirSync, chmodSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { processEnvironment } from '../environment.js';

/**
 * Where rotor keeps its state: `ROTOR_HOME`, else `$XDG_STATE_HOME/rotor`, else
 * `~/.local/state/rotor`. Created 0700 so journals are readable by their operator only.
 */
export function stateDir(env: Readonly<Record<string, string | undefined>> = processEnvironment()): string {
  if (env.ROTOR_HOME) return env.ROTOR_HOME;
  const base = env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(base, 'rotor');
}

/** The sessions folder, created (0700) if needed. */
export function sessionsDir(
  env: Readonly<Record<string, string | undefined>> = processEnvironment(),
): string {
  const dir = join(stateDir(env), 'sessions');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  chmodSync(stateDir(env), 0o700);
  return dir;
}

/** Where each session's HMAC key is kept, apart from the journals (see session-key-file.ts). */
export function keysDir(env: Readonly<Record<string, string | undefined>> = processEnvironment()): string {
  return join(stateDir(env), 'keys');
}
