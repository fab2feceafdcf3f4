import { describe, expect, it } from 'vitest';
import { createActionRegistry } from '../src/actions/index.js';
import { printSchema } from '../src/commands/catalog-commands.js';
import { UsageError } from '../src/errors.js';
import { resolveInputs } from '../src/runbook/inputs.js';
import { parseRunbook } from '../src/runbook/load.js';
import { RunbookError } from '../src/runbook/runbook-error.js';
import { findRunbook, loadCatalog, runbookInfo } from '../src/session/catalog.js';
import type { RunbookInfo } from '../src/session/types.js';
import { checkInput } from '../src/ui/input-check.js';

const actions = createActionRegistry();

const runbook = (inputs: string) => `id: t
title: T
inputs:
${inputs}
steps:
  - { id: first, do: wait.progress, with: { seconds: 0 } }
`;

function loadError(inputs: string): RunbookError {
  try {
    parseRunbook(runbook(inputs), 'rw.yaml', actions);
  } catch (error) {
    expect(error).toBeInstanceOf(RunbookError);
    return error as RunbookError;
  }
  throw new Error('expected the runbook to be refused at load');
}

describe('required_when in the runbook format', () => {
  it('is checked when the runbook loads: a known input, not itself, one of the forms', () => {
    expect(
      loadError('  a: { default: "", required_when: kubrnetes }\n  kubernetes: { default: "false" }').message,
    ).toMatch(/required_when names no input "kubrnetes"/);
    expect(loadError('  a: { default: "", required_when: a }').message).toMatch(
      /cannot depend on the input itself/,
    );
    expect(loadError('  a: { default: "", required_when: "b >= 2" }\n  b: { default: "1" }').message).toMatch(
      /required_when "b >= 2" is not a condition/,
    );
  });

  it('makes an input required only while its condition holds, in each form', () => {
    const loaded = parseRunbook(
      runbook(`  kubernetes: { default: "false" }
  mode: { default: plain }
  a: { default: "", required_when: kubernetes }
  b: { default: "", required_when: "mode == acl" }
  c: { default: "", required_when: "mode != acl" }
  d: { default: "", required_when: "not kubernetes" }`),
      'rw.yaml',
      actions,
    );
    const needs = (given: Record<string, string>) => {
      try {
        resolveInputs(loaded.runbook, given);
        return undefined;
      } catch (error) {
        expect(error).toBeInstanceOf(UsageError);
        return (error as UsageError).message;
      }
    };
    expect(needs({ c: 'x', d: 'x' })).toBeUndefined();
    expect(needs({ c: 'x' })).toBe('runbook t needs the input "d" when kubernetes is false');
    expect(needs({ kubernetes: 'true', c: 'x' })).toBe(
      'runbook t needs the input "a" when kubernetes is true',
    );
    expect(needs({ kubernetes: 'true', a: 'x', mode: 'acl' })).toBe(
      'runbook t needs the input "b" when mode is acl',
    );
    expect(needs({ kubernetes: 'true', a: 'x' })).toBe('runbook t needs the input "c" when mode is not acl');
  });

  it('the shipped generic runbook needs external_secret once kubernetes is true', () => {
    const generic = findRunbook('generic', loadCatalog(actions), actions).runbook;
    expect(() => resolveInputs(generic, {})).not.toThrow();
    let error: unknown;
    try {
      resolveInputs(generic, { kubernetes: 'true' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toMatch(
      /needs the input "external_secret" when kubernetes is true/,
    );
    expect((error as UsageError).hint).toBe(
      'pass --set external_secret=<value>, or give it in the inventory (environments.<env>.inputs.external_secret)',
    );
    expect(() => resolveInputs(generic, { kubernetes: 'true', external_secret: 'es' })).not.toThrow();
  });

  it('is in the JSON Schema editors complete from', () => {
    let out = '';
    printSchema({ stdout: (line: string) => (out += line), stderr: () => undefined } as never);
    const schema = JSON.parse(out);
    const input = JSON.stringify(schema).match(/"required_when":\{[^}]*\}/)?.[0];
    expect(input).toContain('"type":"string"');
  });
});

describe('required_when in the TUI inputs form', () => {
  const info: RunbookInfo = runbookInfo(findRunbook('generic', loadCatalog(actions), actions));
  const field = (name: string) => info.inputs.find((i) => i.name === name)!;

  it('says on the field when it is required, and refuses it empty while the condition holds', () => {
    expect(checkInput(field('external_secret'), '', { kubernetes: 'false' })).toBeUndefined();
    expect(checkInput(field('external_secret'), '', { kubernetes: 'true' })).toMatch(
      /^external_secret is required when kubernetes is true/,
    );
  });
  // On the review screen: test/ui-input-review.test.tsx (accept all goes to the input a later value made required).
});
