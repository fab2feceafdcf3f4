import type { StepStatus } from '../engine/types.js';

/** The mark of each step status; marks and words carry the meaning, colour only helps. */
export const STATUS_MARK: Record<StepStatus, string> = {
  pending: '○',
  'awaiting-approval': '?',
  running: '▶',
  succeeded: '✔',
  failed: '✘',
  skipped: '↷',
  undoing: '↺',
  'rolled-back': '↺',
  'undo-failed': '✘!',
};

/** The status in words, for lines where a mark alone could be misread (↺ undoing vs rolled back). */
export const STATUS_WORD: Record<StepStatus, string> = {
  pending: 'pending',
  'awaiting-approval': 'awaiting approval',
  running: 'running',
  succeeded: 'done',
  failed: 'failed',
  skipped: 'skipped',
  undoing: 'undoing',
  'rolled-back': 'rolled back',
  'undo-failed': 'undo failed',
};

/** Colour as a second channel; NO_COLOR terminals lose nothing but this. */
export const STATUS_COLOR: Record<StepStatus, string | undefined> = {
  pending: undefined,
  'awaiting-approval': 'yellow',
  running: 'cyan',
  succeeded: 'green',
  failed: 'red',
  skipped: 'gray',
  undoing: 'magenta',
  'rolled-back': 'magenta',
  'undo-failed': 'red',
};

/** Statuses that still move: shown with a spinner instead of a fixed mark. */
export function isActive(status: StepStatus): boolean {
  return status === 'running' || status === 'undoing';
}
