import { processEnvironment } from '../environment.js';

/**
 * A colour, unless the operator asked for none (https://no-color.org). Ink's chalk ignores
 * NO_COLOR, so every colour in the TUI goes through here; marks and words carry the meaning, so
 * nothing is lost without it. Read at each call: tests and the CLI may set it late.
 */
export function tone(color: string | undefined): string | undefined {
  const noColor = processEnvironment().NO_COLOR;
  const off = noColor !== undefined && noColor !== '';
  return off ? undefined : color;
}
