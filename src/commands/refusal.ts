import { JournalWriter, newSessionId } from '../journal/journal-writer.js';
import { RotorError, describeError } from '../errors.js';
import { sessionsDir } from '../journal/state-dir.js';
import { commandWithoutValues, journalledWord, withoutArgvValues } from './journalled-command.js';
import { operatorName } from '../services/operator.js';
import { rotorVersion } from '../services/version.js';

/** The runbook and environment a refused `run` named, as far as the words say. */
function refusedCommand(argv: readonly string[]): { runbookId?: string; environment: string } {
  const envAt = argv.indexOf('--env');
  const environment =
    envAt >= 0 ? (argv[envAt + 1] ?? '') : (argv.find((a) => a.startsWith('--env='))?.slice(6) ?? '');
  const runAt = argv.indexOf('run');
  return {
    runbookId: runAt >= 0 ? journalledWord(argv[runAt + 1]) : undefined,
    environment: environment ? (journalledWord(environment) ?? '') : '',
  };
}

/**
 * Records a refused command (bad input: nothing was changed) as a two-line journal, so an
 * incident review sees the attempt. Recording is best effort: it must never mask the refusal.
 */
export function recordRefusal(
  env: Readonly<Record<string, string | undefined>>,
  argv: readonly string[],
  error: unknown,
): string | undefined {
  try {
    const info = refusedCommand(argv);
    const sessionId = newSessionId();
    const journal = new JournalWriter(sessionsDir(env), sessionId);
    journal.record({
      type: 'session-opened',
      sessionId,
      operator: operatorName(),
      environment: info.environment,
      drill: info.environment === 'sandbox',
      rotorVersion: rotorVersion(),
      runbookId: info.runbookId,
      command: commandWithoutValues(argv),
    });
    journal.record({
      type: 'session-refused',
      reason: withoutArgvValues(describeError(error), argv, { journal: true }),
      exitCode: error instanceof RotorError ? error.exitCode : 2,
    });
    journal.close();
    return sessionId;
  } catch {
    return undefined;
  }
}
