/**
 * Errors an operator reads. Each says what happened, where, and what to do next, and carries
 * the exit code the CLI uses, so no caller has to guess one from a message.
 */
export class RotorError extends Error {
  /** What to do next, shown under the message. */
  readonly hint?: string;
  readonly exitCode: number;

  constructor(message: string, options: { hint?: string; exitCode?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? 1;
  }
}

/** Bad usage or input: nothing was changed. Exit code 2. */
export class UsageError extends RotorError {
  constructor(message: string, hint?: string) {
    super(message, { hint, exitCode: 2 });
  }
}

/** The message and hint as one operator-readable text. */
export function describeError(error: unknown): string {
  if (error instanceof RotorError) return error.hint ? `${error.message}\n  → ${error.hint}` : error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

/** For the CLI's stderr: exactly one message line (control characters escaped), then the hint. */
export function describeErrorOnOneLine(error: unknown): string {
  const message = printable(error instanceof Error ? error.message : String(error));
  return error instanceof RotorError && error.hint ? `${message}\n  → ${printable(error.hint)}` : message;
}

/**
 * Control characters quoted from input (a newline inside a YAML key, an escape sequence in an
 * argument) would split the one-line message or drive the terminal: show them escaped instead.
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/g, (c) =>
    c === '\n' ? '\\n' : c === '\r' ? '\\r' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
