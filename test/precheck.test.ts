import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActionRegistry } from '../src/actions/index.js';
import { UsageError } from '../src/errors.js';
import { buildPlan } from '../src/engine/plan.js';
import { precheckPlan } from '../src/engine/precheck.js';
import { Secret } from '../src/engine/secret.js';
import { resolveInputs, type GivenInputs } from '../src/runbook/inputs.js';
import { parseRunbook, type LoadedRunbook } from '../src/runbook/load.js';
import { loadCatalog } from '../src/session/catalog.js';
import { startSandboxWorld } from '../src/sandbox/world.js';
import { sandboxLayer } from '../src/sandbox/sandbox-inputs.js';
import { valuesOf } from '../src/inventory/layers.js';

const actions = createActionRegistry();

interface Options {
  given?: GivenInputs;
  env?: Record<string, string>;
  sandbox?: boolean;
}

function precheck(loaded: LoadedRunbook, options: Options = {}): void {
  const env = options.env ?? {};
  const where = { sandbox: options.sandbox ?? false };
  const inputs = resolveInputs(loaded.runbook, options.given ?? {}, env, where);
  const plan = buildPlan(loaded.runbook, {
    file: loaded.file,
    runbookHash: loaded.hash,
    environment: where.sandbox ? 'sandbox' : 'staging',
    inputs,
    env,
    actions,
    drill: where.sandbox,
  });
  precheckPlan(plan, { runbook: loaded.runbook, actions, env, where });
}

/** The refusal a pre-check gives, or a failure that says the run would have started. */
function refusal(yaml: string, options: Options = {}): UsageError {
  try {
    precheck(parseRunbook(yaml, 'pre.yaml', actions), options);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return error as UsageError;
  }
  throw new Error('expected the pre-check to refuse the run, and it let it start');
}

const passes = (yaml: string, options: Options = {}) =>
  expect(() => precheck(parseRunbook(yaml, 'pre.yaml', actions), options)).not.toThrow();

describe('every shipped runbook with its defaults and the sandbox inventory', () => {
  let env: Record<string, string> = {};
  beforeAll(async () => {
    // The sandbox's own addresses and stand-in secrets, as `--env sandbox` supplies them.
    const world = await startSandboxWorld();
    env = Object.fromEntries(Object.entries(world.env).filter(([, v]) => v !== undefined)) as Record<
      string,
      string
    >;
    await world.close();
  });
  // Inputs no default can stand in for: the runbook needs the operator to name them.
  const required: Record<string, Record<string, string>> = {
    'custom-script': { secret_path: 'harmonyflow/iot-api-key', script_path: '/bin/true' },
  };
  const catalog = [...loadCatalog(actions).values()];
  afterAll(() => expect(catalog.length).toBeGreaterThanOrEqual(13));
  for (const loaded of catalog) {
    it(`${loaded.runbook.id} passes the pre-check`, () => {
      expect(() =>
        precheck(loaded, {
          env,
          sandbox: true,
          given: { ...valuesOf(sandboxLayer(loaded.runbook)), ...required[loaded.runbook.id] },
        }),
      ).not.toThrow();
    });
  }
});

describe('the pre-check refuses before the first step', () => {
  it('a step parameter from an input: names the step, the parameter and the input to set (exit 2)', () => {
    const error = refusal(`id: t
title: T
inputs:
  name: { default: "" }
steps:
  - id: sync
    do: kubernetes.force-sync
    with: { namespace: app, name: "{{ inputs.name }}" }
`);
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(
      /^step sync \(kubernetes\.force-sync\): parameter "name": .*input name; nothing was changed$/,
    );
    expect(error.hint).toBe('pass --set name=<value>, or give it in the inventory (environments.<env>.inputs.name)');
  });

  it('an after_rollback step, which would only fail once a rollback had already begun', () => {
    const error = refusal(`id: t
title: T
inputs:
  secs: { default: "-1" }
steps:
  - id: first
    do: wait.progress
    with: { seconds: 0 }
after_rollback:
  - id: settle
    do: wait.progress
    with: { seconds: "{{ inputs.secs }}" }
`);
    expect(error.message).toMatch(/^step settle \(wait\.progress\): parameter "seconds": .*input secs/);
    expect(error.hint).toBe('pass --set secs=<value>, or give it in the inventory (environments.<env>.inputs.secs)');
  });

  it('a for_each item: names the child and the input that lists the items', () => {
    const error = refusal(`id: t
title: T
inputs:
  waits: { default: "1,2,x" }
steps:
  - id: all
    parallel:
      for_each: "{{ inputs.waits }}"
      steps:
        - id: one
          do: wait.progress
          with: { seconds: "{{ item }}" }
`);
    expect(error.message).toMatch(/^step one#3 \(wait\.progress\): parameter "seconds": .*input waits/);
    expect(error.hint).toBe('pass --set waits=<value>, or give it in the inventory (environments.<env>.inputs.waits)');
  });

  it('a when condition that cannot be read (an unset variable)', () => {
    const error = refusal(`id: t
title: T
steps:
  - id: maybe
    when: "{{ env.ROTOR_PRECHECK_UNSET }}"
    do: wait.progress
    with: { seconds: 0 }
`);
    expect(error.message).toMatch(/^step maybe \(wait\.progress\): when: .*ROTOR_PRECHECK_UNSET is not set/);
    expect(error.hint).toBe('export ROTOR_PRECHECK_UNSET=<value>');
  });

  it('the known fields of a step whose other fields wait for an earlier step', () => {
    const error = refusal(`id: t
title: T
inputs:
  bytes: { default: "4" }
steps:
  - id: first
    do: generate.password
  - id: second
    do: generate.password
    with: { bytes: "{{ inputs.bytes }}", length: "{{ steps.first.length }}" }
`);
    expect(error.message).toMatch(/^step second \(generate\.password\): parameter "bytes": .*input bytes/);
  });

  it('a check over the whole parameters, once every field is known', () => {
    const error = refusal(`id: t
title: T
inputs:
  pod: { default: web-0 }
steps:
  - id: logs
    do: kubernetes.pod-logs
    with: { namespace: app, pod: "{{ inputs.pod }}", selector: app=web }
`);
    expect(error.message).toMatch(
      /^step logs \(kubernetes\.pod-logs\): its parameters: give either selector or pod/,
    );
    expect(error.hint).toBe('pass --set pod=<value>, or give it in the inventory (environments.<env>.inputs.pod)');
  });

  it('a step whose when reads an earlier step: it may run, so it is checked', () => {
    const error = refusal(`id: t
title: T
inputs:
  secs: { default: x }
steps:
  - id: first
    do: generate.password
  - id: later
    when: "{{ steps.first.length }}"
    do: wait.progress
    with: { seconds: "{{ inputs.secs }}" }
`);
    expect(error.message).toMatch(/^step later /);
  });

  it('a value the runbook itself gives: the remedy is fixing the runbook, not an input', () => {
    const error = refusal(`id: t
title: T
steps:
  - id: first
    do: wait.progress
    with: { seconds: "soon" }
`);
    expect(error.hint).toMatch(/the runbook itself gives this value: fix step first/);
  });

  it('a secret input: never "--set", and never ROTOR_INPUT_* in the sandbox', () => {
    const yaml = `id: t
title: T
inputs:
  token: { secret: true, default: short }
steps:
  - id: first
    do: generate.password
    with: { alphabet: "{{ inputs.token }}", encoding: alphabet, length: "{{ inputs.token }}" }
`;
    const outside = refusal(yaml, { given: { token: new Secret('x', 'inputs.token') } });
    expect(outside.hint).not.toContain('--set');
    expect(outside.hint).toContain('ROTOR_INPUT_TOKEN');
    const sandbox = refusal(yaml, { given: { token: new Secret('x', 'inputs.token') }, sandbox: true });
    expect(sandbox.hint).not.toMatch(/--set|ROTOR_INPUT/);
    expect(`${sandbox.message} ${sandbox.hint}`).not.toContain('"x"');
  });
});

describe('the pre-check lets a run start when it cannot know better', () => {
  it('fields that depend on earlier steps are not judged from placeholders', () => {
    passes(`id: t
title: T
steps:
  - id: first
    do: generate.password
  - id: second
    do: generate.password
    with: { bytes: "{{ steps.first.length }}", length: "{{ steps.first.length }}" }
`);
  });

  it('steps whose when is false (a group, a child, an after_rollback step) are not checked', () => {
    passes(`id: t
title: T
inputs:
  on: { default: "false" }
  secs: { default: x }
steps:
  - id: off
    when: "{{ inputs.on }}"
    do: wait.progress
    with: { seconds: "{{ inputs.secs }}" }
  - id: group
    when: "{{ inputs.on }}"
    parallel:
      steps:
        - { id: a, do: wait.progress, with: { seconds: "{{ inputs.secs }}" } }
  - id: group2
    parallel:
      steps:
        - { id: b, when: "{{ inputs.on }}", do: wait.progress, with: { seconds: "{{ inputs.secs }}" } }
after_rollback:
  - { id: c, when: "{{ inputs.on }}", do: wait.progress, with: { seconds: "{{ inputs.secs }}" } }
`);
  });
});
