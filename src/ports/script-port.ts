import type { Secret } from '../engine/secret.js';

/**
 * Why a rotation script may not be trusted: what is wrong with it (a relative path, a file or
 * folder others may write, an unexpected owner) and the command that fixes it.
 */
export interface ScriptDistrust {
  problem: string;
  fix: string;
}

/** Whether a rotation script can be run, checked before anything else happens. */
export type ScriptAccess = 'ok' | 'missing' | 'not-executable' | 'not-a-file' | ScriptDistrust;

/** One run of a custom rotation script. */
export interface ScriptRun {
  path: string;
  /** Plain arguments only (the secret path): never a secret. */
  args: string[];
  /** Written to the script's stdin, then closed; may hold secrets. */
  stdin?: string | Secret;
  /** Extra variables for this child alone; values may be secrets. */
  env?: Record<string, string | Secret>;
  timeoutMs: number;
  signal: AbortSignal;
  /** Each line of stdout and stderr, as it comes. */
  onLine: (line: string, stream: 'stdout' | 'stderr') => void;
}

/** How a script run ended. */
export interface ScriptResult {
  exitCode: number;
  timedOut: boolean;
  /**
   * After a timeout or an abort killed the script's process tree: processes it started that
   * escaped the kill (a double-forked daemon), as `pid (command)`, so the operator can see to them.
   */
  leftRunning?: string[];
}

/** What the script action needs; implemented with execa in src/adapters/script-runner.ts. */
export interface ScriptPort {
  access(path: string): Promise<ScriptAccess>;
  run(run: ScriptRun): Promise<ScriptResult>;
}
