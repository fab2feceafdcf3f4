import type { Decision, DecisionRequest } from '../engine/types.js';
import type { LogLine, StepView } from '../engine/view-state.js';
import { formatDuration } from './format.js';
import { logLineText } from './log-words.js';

function decisionWord(request: DecisionRequest['kind'], decision: Decision): string {
  if (decision === 'abort') return request === 'interrupt' ? 'leave as is' : 'abort';
  if (decision === 'rollback') return 'roll back';
  if (decision === 'approve') return 'approved';
  return decision;
}

/**
 * One log line in the words both the TUI's scrollback and the plain reporter print, or undefined
 * for lines that would only add noise there (a group child starting: its end line follows).
 * `steps` tells children from top-level steps; their output is tagged with the child's id
 * because parallel children interleave.
 */
export function formatLogLine(line: LogLine, steps: Readonly<Record<string, StepView>>): string | undefined {
  const step = line.stepId ? steps[line.stepId] : undefined;
  const child = step?.parentId !== undefined;
  if (line.kind === 'log') return `  │ ${child ? `[${step!.id}] ` : ''}${line.text}`;
  if (line.kind === 'decision') {
    const d = line.decision;
    const what = decisionWord(d.request, d.decision);
    if (d.request === 'interrupt') return `■ after Ctrl+C: ${what}`;
    return `· ${step?.title ?? line.stepId ?? 'operator'}: ${what}${d.request === 'failure' ? ' after the failure' : ''}`;
  }
  if (line.kind === 'step-started' && child) return undefined;
  const indent = child ? '  ' : '';
  const duration = line.durationMs !== undefined ? ` (${formatDuration(line.durationMs)})` : '';
  const [first, ...rest] = logLineText(line, steps).split('\n');
  return [`${indent}${first}${duration}`, ...rest.map((r) => `${indent}  ${r}`)].join('\n');
}
