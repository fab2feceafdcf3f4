import type { PromptKey } from './approval-state.js';

/** What one key does to a line being typed. */
export type TextEdit = { value: string } | { submit: string } | { cancel: true };

/** Keeps what a terminal sends as text; drops control characters (and so escape sequences' lead byte). */
export function printable(input: string): string {
  return [...input].filter((ch) => ch >= ' ' && ch !== '\u007f').join('');
}

/** Line editing without a cursor: type, paste, Backspace, Enter submits, Esc cancels. */
export function editText(
  value: string,
  key: PromptKey & {
    tab?: boolean;
    upArrow?: boolean;
    downArrow?: boolean;
    leftArrow?: boolean;
    rightArrow?: boolean;
  },
): TextEdit {
  if (key.return) return { submit: value };
  if (key.escape) return { cancel: true };
  if (key.backspace || key.delete) return { value: value.slice(0, -1) };
  if (key.ctrl && key.input === 'u') return { value: '' };
  if (key.ctrl || key.meta || key.tab || key.upArrow || key.downArrow || key.leftArrow || key.rightArrow)
    return { value };
  return { value: value + printable(key.input) };
}
