import { readJournal, listSessionIds } from '../journal/journal-reader.js';
import { logLineText } from '../ui/log-words.js';
import { markdownReport } from '../ui/markdown-report.js';
import { replay, summarizeSession } from '../journal/session-summary.js';
import { RotorError } from '../errors.js';
import type { RotorContext } from '../services/rotor-context.js';
import type { Io } from './io.js';

function time(ms?: number): string {
  return ms === undefined ? '—' : new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

/** `rotor sessions`: the recorded sessions, newest first. */
export function listSessions(ctx: RotorContext, options: { json?: boolean }, io: Io): number {
  const dir = ctx.journalDir;
  const summaries = listSessionIds(dir).map((id) => summarizeSession(id, readJournal(dir, id)));
  if (options.json) {
    io.stdout(JSON.stringify(summaries, null, 2));
    return 0;
  }
  if (summaries.length === 0) io.stdout(`no sessions recorded in ${dir}`);
  for (const s of summaries) {
    io.stdout(
      `${s.sessionId}  ${time(s.startedAt)}  ${(s.runbookId ?? '—').padEnd(16)} ${(s.environment ?? '—').padEnd(10)} ${s.status.padEnd(19)}${s.drill ? ' drill' : ''}${s.intact ? '' : ' DAMAGED'}`,
    );
  }
  return 0;
}

/** `rotor sessions show <id>`: one session, as text or as a Markdown report. */
export function showSession(
  ctx: RotorContext,
  id: string,
  options: { markdown?: boolean; json?: boolean },
  io: Io,
): number {
  const journal = readJournal(ctx.journalDir, id);
  if (options.json) {
    io.stdout(JSON.stringify(journal.records, null, 2));
    return 0;
  }
  if (options.markdown) {
    io.stdout(markdownReport(id, journal));
    return 0;
  }
  const s = summarizeSession(id, journal);
  const view = replay(journal);
  io.stdout(
    `session ${id}${s.drill ? ' (drill)' : ''}: ${s.runbookId ?? '—'} in ${s.environment ?? '—'} by ${s.operator ?? '—'}`,
  );
  io.stdout(
    `started ${time(s.startedAt)}, ended ${time(s.endedAt)}: ${s.status}${s.exitCode !== undefined ? ` (exit ${s.exitCode})` : ''}`,
  );
  if (s.reason) io.stdout(`reason: ${s.reason}`);
  for (const l of view.log) io.stdout(`  ${time(l.at)}  ${logLineText(l, view.steps)}`);
  if (!s.intact) io.stdout(`journal damaged: ${journal.problem}`);
  return 0;
}

/** `rotor sessions verify <id>`: checks the hash chain; exit 1 when a record was edited or removed. */
export function verifySession(ctx: RotorContext, id: string, io: Io): number {
  const journal = readJournal(ctx.journalDir, id);
  if (journal.problem) {
    throw new RotorError(`session ${id}: ${journal.problem}`, {
      exitCode: 1,
      hint: `the journal at ${journal.path} no longer matches what rotor wrote`,
    });
  }
  io.stdout(`session ${id}: ${journal.records.length} records, hash chain intact`);
  return 0;
}
