import type { LogLine, StepView } from '../engine/view-state.js';

/**
 * A log line in words and marks, the one wording the TUI's scrollback, the plain reporter,
 * `rotor sessions show` and the Markdown report share. A step is named by its title (its id when
 * the plan does not know it).
 */
export function logLineText(line: LogLine, steps: Readonly<Record<string, StepView>>): string {
  const title = line.stepId === undefined ? '' : (steps[line.stepId]?.title ?? line.stepId);
  switch (line.kind) {
    case 'log':
      return line.text;
    case 'step-started':
      return `▶ ${title}${line.attempt > 1 ? ` (attempt ${line.attempt})` : ''}`;
    case 'step-succeeded':
      return `✔ ${title}`;
    case 'step-failed':
      return `✘ ${title}: ${line.error}${line.willRetry ? ' (will retry)' : ''}`;
    case 'step-skipped':
      return `↷ ${title}: ${line.reason}`;
    case 'rollback-started':
      return `↺ rolling back ${line.steps} step(s): ${line.reason}`;
    case 'step-rolled-back':
      return `↺ undone: ${title}`;
    case 'step-undo-failed':
      return `✘ undo failed: ${title}: ${line.error}`;
    case 'warning':
      return `⚠ warning: ${line.message}`;
    case 'decision':
      return `${line.decision.request}: ${line.decision.decision}`;
    case 'session-ended':
      return `session ${line.outcome.status}${'reason' in line.outcome ? `: ${line.outcome.reason}` : ''}`;
  }
}

/** Lines that tell of trouble: shown in red where colour is on (words carry it too). */
export function isTroubleLine(line: LogLine): boolean {
  switch (line.kind) {
    case 'step-failed':
    case 'step-undo-failed':
    case 'warning':
      return true;
    case 'session-ended':
      return line.outcome.status !== 'succeeded';
    default:
      return false;
  }
}
