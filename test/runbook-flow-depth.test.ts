import { describe, expect, it } from 'vitest';
import { createActionRegistry } from '../src/actions/index.js';
import { parseRunbook } from '../src/runbook/load.js';
import { tooDeepFlowOffset } from '../src/runbook/flow-depth.js';
import { RunbookError } from '../src/runbook/runbook-error.js';

describe('deeply nested YAML', () => {
  it('is refused at the same place wherever rotor runs: the first [ past the limit', () => {
    const text = `id: x\ntitle: X\nx-deep: ${'['.repeat(5000)}${']'.repeat(5000)}\n`;
    let error: unknown;
    try {
      parseRunbook(text, 'deep.yaml', createActionRegistry());
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RunbookError);
    // "x-deep: " is 8 columns; the 65th bracket opens level 65.
    expect((error as Error).message).toMatch(/^deep\.yaml:3:73: malformed YAML: the YAML nests too deeply/);
  });

  it('does not count brackets inside quotes or comments, and lets ordinary nesting through', () => {
    expect(
      tooDeepFlowOffset(`a: "${'['.repeat(100)}"\nb: '${'{'.repeat(100)}'\n# ${'['.repeat(100)}\n`),
    ).toBe(undefined);
    expect(tooDeepFlowOffset(`a: ${'['.repeat(64)}${']'.repeat(64)}`)).toBe(undefined);
    expect(tooDeepFlowOffset(`a: ${'{x: '.repeat(65)}`)).toBe(3 + 64 * 4);
  });
});
