import type { EngineEvent, Outcome } from '../engine/types.js';
import type { SessionHandle } from '../session/types.js';
import { createPlainReporter, type SessionNames } from '../ui/plain-reporter.js';
import type { Io } from './io.js';

/**
 * An event as `--json` prints it: the first one (`session-started`) also names the session and
 * its journal, so the log of a CronJob killed mid-run says what to `rotor resume`. Additive: the
 * event's own fields are unchanged (docs/events.md).
 */
export function jsonEvent(event: EngineEvent, session: SessionNames): object {
  if (event.type !== 'session-started') return event;
  const { type, ...rest } = event;
  return { type, sessionId: session.sessionId, journalPath: session.journalPath, ...rest };
}

/**
 * Follows a headless session to its end: events as plain lines or JSON, Ctrl+C/SIGTERM/SIGHUP
 * passed to the engine as an interrupt (it stops at the next safe point), and the exit code.
 */
export async function followHeadless(
  handle: SessionHandle,
  options: { json?: boolean },
  io: Io,
): Promise<number> {
  const report = options.json
    ? (e: EngineEvent) => io.stdout(JSON.stringify(jsonEvent(e, handle)))
    : createPlainReporter(io.stdout, handle);
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
