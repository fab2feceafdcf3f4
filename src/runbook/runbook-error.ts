import { UsageError, printable } from '../errors.js';
import type { Position } from './source-map.js';

/** A problem in a runbook file, reported as `file:line:col: message` so editors can jump to it. */
export class RunbookError extends UsageError {
  constructor(
    readonly file: string,
    readonly position: Position,
    readonly problem: string,
    hint?: string,
  ) {
    // Names quoted from the file may hold a newline or an escape sequence: keep the message one line.
    super(
      printable(`${file}:${position.line}:${position.col}: ${problem}`),
      hint === undefined ? undefined : printable(hint),
    );
  }
}
