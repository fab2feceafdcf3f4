import { UsageError } from '../errors.js';

/**
 * A Vault path or name that rotor refuses: bad input, so nothing was changed (exit 2). The
 * message names the input and quotes the spelling with its control characters escaped.
 */
export class VaultPathError extends UsageError {
  constructor(
    /** What was being read: `input secret_path`, `the secret path`, `step backup: path`. */
    readonly input: string,
    readonly text: string,
    problem: string,
    hint: string,
  ) {
    super(`${input}: ${quote(text)} ${problem}`, hint);
    this.problem = `${quote(text)} ${problem}`;
  }

  /** The message without the input's name, for callers that name the field themselves. */
  readonly problem: string;
}

/** The spelling as JSON text, so a control character or a trailing space is visible, shortened when huge. */
export function quote(text: string): string {
  const shown = text.length > 80 ? `${text.slice(0, 60)}…(${text.length} characters)` : text;
  return JSON.stringify(shown);
}
