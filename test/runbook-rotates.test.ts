// A runbook declares what it rotates (`rotates:`): checked when it loads (`rotor validate`),
// exported in the JSON Schema, and resolved once by the plan to canonical paths.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createActionRegistry } from '../src/actions/index.js';
import { buildPlan } from '../src/engine/plan.js';
import { resolveInputs } from '../src/runbook/inputs.js';
import { parseRunbook } from '../src/runbook/load.js';
import { runCli, tempHome } from './support/cli.js';

const actions = createActionRegistry();
const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

/** A runbook that writes the KV secret at `path`, with the given top-level lines. */
function runbook(head: string[], path = '{{ inputs.secret_path }}'): string {
  return [
    'id: writes',
    'title: Writes a secret',
    ...head,
    'inputs:',
    '  secret_path: { default: harmonyflow/a }',
    '  target: { default: harmonyflow/b }',
    '  list: { default: "harmonyflow/c, harmonyflow/b,harmonyflow/c" }',
    'steps:',
    '  - id: write',
    '    do: vault.kv-write',
    `    with: { path: "${path}", data: { a: b } }`,
    '',
  ].join('\n');
}

function refusal(text: string): string {
  try {
    parseRunbook(text, 'x.yaml', actions);
  } catch (error) {
    return `${(error as Error).message}\n${(error as { hint?: string }).hint ?? ''}`;
  }
  throw new Error(`loaded, but should not have:\n${text}`);
}

function planOf(text: string, given: Record<string, string> = {}) {
  const { runbook: rb, file, hash } = parseRunbook(text, 'x.yaml', actions);
  const inputs = resolveInputs(rb, given, {}, { sandbox: true });
  return buildPlan(rb, {
    file,
    runbookHash: hash,
    environment: 'local',
    inputs,
    env: {},
    actions,
    drill: false,
  });
}

describe('loading a runbook', () => {
  it('refuses one that changes a secret while declaring it rotates none, naming the step and the line', () => {
    expect(refusal(runbook(['rotates: []']))).toMatch(
      /^x\.yaml:11:\d+: step write \(vault\.kv-write\) changes the secret at "\{\{ inputs\.secret_path \}\}", which the runbook does not say it rotates/,
    );
  });

  it('refuses one that changes a secret its list leaves out', () => {
    expect(refusal(runbook(['rotates: ["{{ inputs.secret_path }}"]'], '{{ inputs.target }}'))).toContain(
      'changes the secret at "{{ inputs.target }}"',
    );
    // Without `rotates`, what locks have always read: secret_path, secrets, secret_paths.
    expect(refusal(runbook([], '{{ inputs.target }}'))).toContain('declare it at the top level: rotates:');
  });

  it('refuses a list that names a step output (not known before the locks are taken) or no input', () => {
    expect(refusal(runbook(['rotates: ["{{ steps.write.version }}"]']))).toContain(
      'refers to no earlier step',
    );
    expect(refusal(runbook(['rotates: ["{{ inputs.secret_pth }}"]']))).toContain(
      'did you mean inputs.secret_path?',
    );
  });

  it('accepts one that declares what it writes, by input or through a list input', () => {
    expect(() =>
      parseRunbook(runbook(['rotates: ["{{inputs.secret_path}}"]']), 'x.yaml', actions),
    ).not.toThrow();
    expect(() => parseRunbook(runbook([]), 'x.yaml', actions)).not.toThrow();
  });

  it('rotor validate says the same, exit 2', async () => {
    const { home, cleanup } = tempHome();
    cleanups.push(cleanup);
    const file = join(home, 'undeclared.yaml');
    writeFileSync(file, runbook(['rotates: []']));
    const r = await runCli(['validate', file], { ROTOR_HOME: home });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('which the runbook does not say it rotates');
    writeFileSync(file, runbook(['rotates: ["{{ inputs.secret_path }}"]']));
    const ok = await runCli(['validate', file], { ROTOR_HOME: home });
    expect([ok.code, ok.stderr]).toEqual([0, '']);
  });

  it('rotor schema exports the field', async () => {
    const r = await runCli(['schema']);
    const schema = JSON.parse(r.stdout) as {
      properties: Record<string, { type?: string; items?: { type?: string } }>;
    };
    expect(schema.properties.rotates).toMatchObject({ type: 'array', items: { type: 'string' } });
  });
});

describe('the plan', () => {
  it('resolves the list once: canonical, each secret once, sorted', () => {
    const plan = planOf(runbook(['rotates: ["{{ inputs.list }}", "{{ inputs.secret_path }}"]']));
    expect(plan.rotates.map((p) => p.path)).toEqual(['harmonyflow/a', 'harmonyflow/b', 'harmonyflow/c']);
  });

  it('a declared list wins over the secret_path input (a read-only runbook rotates nothing)', () => {
    const text = runbook(['rotates: []'])
      .replace('vault.kv-write', 'vault.kv-read')
      .replace(', data: { a: b }', '');
    expect(planOf(text).rotates).toEqual([]);
  });

  it('refuses a spelling that is not one secret, naming the input to fix', () => {
    expect(() =>
      planOf(runbook(['rotates: ["{{ inputs.list }}", "{{ inputs.secret_path }}"]']), {
        list: 'harmonyflow/c,secret/data/x',
      }),
    ).toThrow(/^input list: "secret\/data\/x" is the API's spelling/);
  });
});
