import type { Outcome } from '../engine/types.js';
import type { SessionHandle } from '../session/types.js';
import { createPlainReporter } from '../ui/plain-reporter.js';
import type { Io } from './io.js';

/**
 * Follows a headless session to its end: events as plain lines or JSON, Ctrl+C/SIGTERM/SIGHUP
 * passed to the engine as an interrupt (it stops at the next safe point), and the exit code.
 */
export async function followHeadless(
  handle: SessionHandle,
  options: { json?: boolean },
  io: Io,
): Promise<number> {
  const report = options.json ? (e: unknown) => io.stdout(JSON.stringify(e)) : createPlainReporter(io.stdout);
  handle.subscribe(report);
  const stopSignals = io.onSignal(() => handle.interrupt());
  let outcome: Outcome;
  try {
    outcome = await handle.done;
  } finally {
    stopSignals();
  }
  if (!options.json) io.stdout(`journal: ${handle.journalPath}`);
  return outcome.exitCode;
}
