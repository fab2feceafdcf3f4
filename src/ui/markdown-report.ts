import type { JournalContents } from '../journal/journal-reader.js';
import { replay, summarizeSession } from '../journal/session-summary.js';
import { logLineText } from './log-words.js';

function time(ms?: number): string {
  return ms === undefined
    ? '—'
    : new Date(ms)
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, 'Z');
}

function seconds(ms?: number): string {
  return ms === undefined ? '' : `${(ms / 1000).toFixed(1)}s`;
}

/** A session as Markdown an incident review can paste: facts, steps, decisions, the log. */
export function markdownReport(sessionId: string, journal: JournalContents): string {
  const summary = summarizeSession(sessionId, journal);
  const view = replay(journal);
  const out: string[] = [];
  out.push(`# rotor session ${sessionId}${summary.drill ? ' (drill)' : ''}`, '');
  out.push(`| | |`, `|---|---|`);
  out.push(`| Runbook | ${view.plan?.title ?? summary.runbookId ?? '—'} (\`${summary.runbookId ?? '—'}\`) |`);
  out.push(`| Environment | ${summary.environment ?? '—'} |`);
  out.push(`| Operator | ${summary.operator ?? '—'} |`);
  out.push(`| Started | ${time(summary.startedAt)} |`);
  out.push(`| Ended | ${time(summary.endedAt)} |`);
  out.push(
    `| Outcome | **${summary.status}**${summary.exitCode !== undefined ? ` (exit ${summary.exitCode})` : ''} |`,
  );
  if (summary.reason) out.push(`| Reason | ${summary.reason.replace(/\|/g, '\\|').replace(/\n/g, ' ')} |`);
  out.push(`| Journal | ${summary.intact ? 'intact' : `**damaged**: ${journal.problem}`} |`, '');
  if (view.order.length) {
    out.push('## Steps', '', '| Step | Status | Duration | Note |', '|---|---|---|---|');
    for (const id of view.order) {
      const s = view.steps[id];
      out.push(
        `| ${s.title} | ${s.status} | ${seconds(s.durationMs)} | ${(s.error ?? s.reason ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ')} |`,
      );
    }
    out.push('');
  }
  if (view.log.length) {
    out.push('## Log', '', '```');
    for (const l of view.log) out.push(`${time(l.at)}  ${logLineText(l, view.steps)}`);
    out.push('```', '');
  }
  return out.join('\n');
}
