/**
 * How deep a runbook's YAML may nest `[` and `{`. The YAML parser recurses per level and runs out
 * of stack somewhere past a few thousand, at a point that depends on the process (the bundled CLI
 * and a test runner stop at different columns); no runbook needs more than a handful of levels.
 */
export const MAX_FLOW_DEPTH = 64;

/**
 * The offset of the first `[` or `{` that opens a level deeper than `limit`, outside quotes and
 * comments; undefined when the text stays within it. A plain scan, so the refusal names the same
 * place wherever rotor runs.
 */
export function tooDeepFlowOffset(text: string, limit = MAX_FLOW_DEPTH): number | undefined {
  let depth = 0;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (quote === '"' && c === '\\') i++;
      else if (c === quote) {
        if (quote === "'" && text[i + 1] === "'") i++;
        else quote = undefined;
      }
      continue;
    }
    if (c === '#' && (i === 0 || /\s/.test(text[i - 1]))) {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    // A quote opens a scalar only where one can start; `it's` inside plain text is no quote.
    if ((c === '"' || c === "'") && (i === 0 || /[\s[{,:]/.test(text[i - 1]))) quote = c;
    else if (c === '[' || c === '{') {
      if (++depth > limit) return i;
    } else if ((c === ']' || c === '}') && depth > 0) depth--;
  }
  return undefined;
}
