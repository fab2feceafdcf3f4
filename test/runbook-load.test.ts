import { describe, expect, it } from 'vitest';
import { createActionRegistry } from '../src/actions/index.js';
import { parseRunbook } from '../src/runbook/load.js';
import { RunbookError } from '../src/runbook/runbook-error.js';
import { resolveInputs } from '../src/runbook/inputs.js';
import { UsageError } from '../src/errors.js';
import { Secret } from '../src/engine/secret.js';
import { fakeActions, fakeWorld } from './support/fake-engine.js';

const actions = createActionRegistry([...fakeActions(fakeWorld())]);

function loadError(text: string): RunbookError {
  try {
    parseRunbook(text, 'bad.yaml', actions);
  } catch (error) {
    expect(error).toBeInstanceOf(RunbookError);
    return error as RunbookError;
  }
  throw new Error('expected the runbook to be refused');
}

const ok = `id: ok
title: OK
inputs:
  key: { default: a }
steps:
  - id: first
    do: fake.set
    with: { key: "{{ inputs.key }}", value: v }
`;

describe('runbook loading', () => {
  it('loads a valid runbook and hashes its text', () => {
    const loaded = parseRunbook(ok, 'ok.yaml', actions);
    expect(loaded.runbook.steps).toHaveLength(1);
    expect(loaded.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('reports malformed YAML with file:line:column', () => {
    const error = loadError('id: x\ntitle: X\nsteps:\n  - id: a\n    do: [unclosed\n');
    expect(error.message).toMatch(/^bad\.yaml:\d+:\d+: malformed YAML/);
    expect(error.exitCode).toBe(2);
  });

  it('points at the line of an unknown action and suggests the nearest', () => {
    const error = loadError(ok.replace('do: fake.set', 'do: fake.sett'));
    expect(error.message).toBe('bad.yaml:7:9: unknown action "fake.sett"');
    expect(error.hint).toContain('did you mean "fake.set"');
  });

  it('refuses a reference to an unknown input, at its line', () => {
    const error = loadError(ok.replace('inputs.key', 'inputs.kee'));
    expect(error.message).toMatch(/^bad\.yaml:8:\d+: unknown input in \{\{ inputs\.kee \}\}/);
    expect(error.hint).toContain('inputs.key');
  });

  it('refuses a reference to a later step and to an undeclared output', () => {
    const twoSteps = `${ok}  - id: second\n    do: fake.set\n    with: { key: b, value: "{{ steps.first.nope }}" }\n`;
    expect(loadError(twoSteps).message).toContain('step "first" (fake.set) has no output "nope"');
    const forward = ok.replace('value: v', 'value: "{{ steps.later.previous }}"');
    expect(loadError(forward).message).toContain('refers to no earlier step');
  });

  it('refuses unknown fields and unknown parameters, naming them', () => {
    expect(loadError(ok.replace('title: OK', 'title: OK\ntitel: typo')).message).toBe(
      'bad.yaml:3:1: unknown field "titel" in the top level',
    );
    const param = loadError(ok.replace('value: v', 'valu: v'));
    expect(param.message).toContain('fake.set has no parameter "valu"');
    expect(param.hint).toContain('did you mean "value"');
  });

  it('refuses a step missing a required parameter', () => {
    expect(loadError(ok.replace(', value: v', '')).message).toContain('fake.set needs the parameter "value"');
  });

  it('refuses duplicate step ids', () => {
    const dup = `${ok}  - id: first\n    do: fake.read\n    with: { key: a }\n`;
    expect(loadError(dup).message).toMatch(/:9:\d+: step id "first" is used twice/);
  });

  it('refuses {{ item }} outside a for_each group', () => {
    expect(loadError(ok.replace('inputs.key', 'item')).message).toContain(
      'only available inside a parallel group with for_each',
    );
  });
});

describe('inputs', () => {
  const runbook = parseRunbook(
    `id: i
title: I
inputs:
  region: { pattern: "[a-z]+-[0-9]", describe: "a region like eu-1" }
  mode: { default: plain, choices: [plain, acl] }
  password: { secret: true, required: false }
  url: { default: "{{ env.SERVICE_URL }}/v1" }
steps:
  - { id: a, do: fake.read, with: { key: "{{ inputs.region }}" } }
`,
    'i.yaml',
    actions,
  ).runbook;

  it('applies defaults, env defaults, and wraps secret inputs', () => {
    const values = resolveInputs(
      runbook,
      { region: 'eu-1', password: 'canary-1234' },
      { SERVICE_URL: 'http://x' },
    );
    expect(values.mode).toBe('plain');
    expect(values.url).toBe('http://x/v1');
    expect(values.password).toBeInstanceOf(Secret);
    expect(JSON.stringify(values)).not.toContain('canary-1234');
  });

  it('refuses a missing required input, a pattern mismatch, a bad choice and an unknown name', () => {
    const env = { SERVICE_URL: 'http://x' };
    expect(() => resolveInputs(runbook, {}, env)).toThrow(/needs the input "region" \(a region like eu-1\)/);
    expect(() => resolveInputs(runbook, { region: 'EU' }, env)).toThrow(/"EU" does not match the pattern/);
    expect(() => resolveInputs(runbook, { region: 'eu-1', mode: 'x' }, env)).toThrow(/not one of plain, acl/);
    expect(() => resolveInputs(runbook, { region: 'eu-1', regoin: 'x' }, env)).toThrow(UsageError);
    expect(() => resolveInputs(runbook, { region: 'eu-1' }, {})).toThrow(/SERVICE_URL, which is not set/);
  });
});
