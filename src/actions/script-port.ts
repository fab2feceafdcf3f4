import type { Secret } from '../engine/secret.js';

/** Whether a rotation script can be run, checked before anything else happens. */
export type ScriptAccess = 'ok' | 'missing' | 'not-executable' | 'not-a-file';

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

/** What the script action needs; implemented with execa in src/adapters/script-runner.ts. */
export interface ScriptPort {
  access(path: string): Promise<ScriptAccess>;
  run(run: ScriptRun): Promise<{ exitCode: number; timedOut: boolean }>;
}
