import { describe, expect, it } from 'vitest';
import { fakeWorld, runFake, Interrupts } from './support/fake-engine.js';
import type { Decision, DecisionRequest } from '../src/engine/types.js';

const three = `
id: three
title: Three changes
steps:
  - { id: a, do: fake.set, with: { key: a, value: "1" } }
  - { id: b, do: fake.set, with: { key: b, value: "2" } }
  - { id: c, do: fake.set, with: { key: c, value: "3" } }
`;

const types = (events: { type: string; stepId?: string }[]) =>
  events.map((e) => (e.stepId ? `${e.type}:${e.stepId}` : e.type));

describe('engine', () => {
  it('runs every step after approval and ends succeeded with exit 0', async () => {
    const { outcome, events, world } = await runFake(three);
    expect(outcome).toEqual({ status: 'succeeded', exitCode: 0 });
    expect(world.values).toEqual({ a: '1', b: '2', c: '3' });
    expect(types(events).slice(0, 5)).toEqual([
      'session-started',
      'step-awaiting-approval:a',
      'decision:a',
      'step-started:a',
      'step-log:a',
    ]);
    expect(events.at(-1)?.type).toBe('session-ended');
  });

  it('rolls completed steps back in reverse order when a step fails', async () => {
    const world = fakeWorld();
    world.failures.c = 1;
    const { outcome, events } = await runFake(three, { world });
    expect(outcome.status).toBe('rolled-back');
    expect(outcome.exitCode).toBe(1);
    expect(world.calls).toEqual(['set a', 'set b', 'set c', 'undo b', 'undo a']);
    expect(world.values).toEqual({ a: '', b: '' });
    expect(types(events).filter((t) => t.startsWith('step-rolled-back'))).toEqual([
      'step-rolled-back:b',
      'step-rolled-back:a',
    ]);
  });

  it('reports an incomplete rollback with exit 3 and still undoes the rest', async () => {
    const world = fakeWorld();
    world.failures.c = 1;
    world.failures['undo:b'] = 1;
    const { outcome } = await runFake(three, { world });
    expect(outcome).toMatchObject({ status: 'rollback-incomplete', exitCode: 3 });
    expect(world.calls.slice(-2)).toEqual(['undo b', 'undo a']);
  });

  it('retries with backoff before failing', async () => {
    const world = fakeWorld();
    world.failures.a = 2;
    const yaml = `id: r\ntitle: R\nsteps:\n  - { id: a, do: fake.set, retries: 2, with: { key: a, value: "1" } }\n`;
    const { outcome, events } = await runFake(yaml, { world });
    expect(outcome.status).toBe('succeeded');
    const failed = events.filter((e) => e.type === 'step-failed');
    expect(failed.map((e) => e.type === 'step-failed' && e.willRetry)).toEqual([true, true]);
  });

  it('fails a step that outlives its timeout', async () => {
    const world = fakeWorld();
    world.hang.add('a');
    const yaml = `id: t\ntitle: T\non_failure: stop\nsteps:\n  - { id: a, do: fake.set, timeout: 50ms, with: { key: a, value: "1" } }\n`;
    const { outcome } = await runFake(yaml, { world });
    expect(outcome).toMatchObject({ status: 'failed', exitCode: 1 });
    expect('reason' in outcome && outcome.reason).toContain('timed out after 50 ms');
  });

  it('on_failure stop leaves completed changes and exits 3', async () => {
    const world = fakeWorld();
    world.failures.b = 1;
    const { outcome } = await runFake(three.replace('steps:', 'on_failure: stop\nsteps:'), { world });
    expect(outcome).toMatchObject({ status: 'failed', exitCode: 3 });
    expect(world.values).toEqual({ a: '1' });
  });

  it('skips a step the operator skips, and one whose when is false', async () => {
    const yaml = `
id: s
title: S
inputs:
  enabled: { default: "false" }
steps:
  - { id: a, do: fake.set, with: { key: a, value: "1" } }
  - { id: b, do: fake.set, when: "{{ inputs.enabled }}", with: { key: b, value: "2" } }
  - { id: c, do: fake.set, with: { key: c, value: "3" } }
`;
    const decide = async (r: DecisionRequest): Promise<Decision> => (r.step?.id === 'a' ? 'skip' : 'approve');
    const { outcome, world, events } = await runFake(yaml, { decide });
    expect(outcome.status).toBe('succeeded');
    expect(world.values).toEqual({ c: '3' });
    expect(
      events.filter((e) => e.type === 'step-skipped').map((e) => e.type === 'step-skipped' && e.reason),
    ).toEqual(['skipped by the operator', 'when: {{ inputs.enabled }} is false']);
  });

  it('stops with exit 130 when the operator aborts, leaving completed steps', async () => {
    const decide = async (r: DecisionRequest): Promise<Decision> =>
      r.step?.id === 'b' ? 'abort' : 'approve';
    const { outcome, world } = await runFake(three, { decide });
    expect(outcome).toMatchObject({ status: 'aborted', exitCode: 130 });
    expect(world.values).toEqual({ a: '1' });
  });

  it('rolls back now when the operator says so at an approval', async () => {
    const decide = async (r: DecisionRequest): Promise<Decision> =>
      r.step?.id === 'c' ? 'rollback' : 'approve';
    const { outcome, world } = await runFake(three, { decide });
    expect(outcome).toMatchObject({ status: 'rolled-back', exitCode: 1 });
    expect(world.values).toEqual({ a: '', b: '' });
  });

  it('asks the operator on failure when on_failure is ask, and retries on request', async () => {
    const world = fakeWorld();
    world.failures.b = 1;
    const asked: string[] = [];
    const decide = async (r: DecisionRequest): Promise<Decision> => {
      asked.push(r.kind);
      return r.kind === 'failure' ? 'retry' : 'approve';
    };
    const { outcome } = await runFake(three.replace('steps:', 'on_failure: ask\nsteps:'), { world, decide });
    expect(outcome.status).toBe('succeeded');
    expect(asked).toEqual(['approve', 'approve', 'failure', 'approve']);
    expect(world.values.b).toBe('2');
  });

  it('passes outputs of earlier steps to later ones through references', async () => {
    const yaml = `
id: refs
title: Refs
steps:
  - { id: first, do: fake.set, with: { key: k, value: "one" } }
  - { id: second, do: fake.set, with: { key: k, value: "two" } }
  - { id: copy, do: fake.set, with: { key: copy, value: "was {{ steps.second.previous }}" } }
`;
    const { world } = await runFake(yaml);
    expect(world.values.copy).toBe('was one');
  });

  it('runs a parallel group within its concurrency, after one approval', async () => {
    const yaml = `
id: p
title: P
inputs:
  keys: { default: "k1,k2,k3,k4,k5" }
steps:
  - id: all
    parallel:
      concurrency: 2
      for_each: "{{ inputs.keys }}"
      steps:
        - { id: set, do: fake.set, with: { key: "{{ item }}", value: "x" } }
`;
    let running = 0;
    let peak = 0;
    const approvals: string[] = [];
    const { outcome, world } = await runFake(yaml, {
      decide: async (r) => (approvals.push(r.step?.id ?? ''), 'approve'),
      onEvent: (e) => {
        if (e.type === 'step-started' && e.parentId) peak = Math.max(peak, ++running);
        if ((e.type === 'step-succeeded' || e.type === 'step-failed') && e.stepId.startsWith('set#'))
          running--;
      },
    });
    expect(outcome.status).toBe('succeeded');
    expect(approvals).toEqual(['all']);
    expect(Object.keys(world.values).sort()).toEqual(['k1', 'k2', 'k3', 'k4', 'k5']);
    expect(peak).toBeLessThanOrEqual(2);
  });

  it('rolls back the finished children of a failed group and starts no new ones', async () => {
    const world = fakeWorld();
    world.failures.k2 = 1;
    const yaml = `
id: p
title: P
steps:
  - { id: before, do: fake.set, with: { key: before, value: "b" } }
  - id: all
    parallel:
      concurrency: 1
      for_each: "k1,k2,k3"
      steps:
        - { id: set, do: fake.set, with: { key: "{{ item }}", value: "x" } }
`;
    const { outcome } = await runFake(yaml, { world });
    expect(outcome.status).toBe('rolled-back');
    expect(world.calls).toEqual(['set before', 'set k1', 'set k2', 'undo k1', 'undo before']);
  });

  it('asks what to do on Ctrl+C during an approval and rolls back on request', async () => {
    const interrupts = new Interrupts();
    const decide = async (r: DecisionRequest): Promise<Decision> => {
      if (r.kind === 'interrupt') return 'rollback';
      if (r.step?.id === 'b') {
        interrupts.request();
        return new Promise(() => undefined); // the operator never answers this prompt
      }
      return 'approve';
    };
    const { outcome, world, events } = await runFake(three, { decide, interrupts });
    expect(outcome).toMatchObject({ status: 'aborted', exitCode: 130 });
    expect(world.values).toEqual({ a: '' });
    expect(events.some((e) => e.type === 'interrupt-requested')).toBe(true);
  });

  it('continues after Ctrl+C when the operator chooses continue', async () => {
    const interrupts = new Interrupts();
    let asked = 0;
    const decide = async (r: DecisionRequest): Promise<Decision> => {
      if (r.kind === 'interrupt') return 'continue';
      if (r.step?.id === 'b' && asked++ === 0) {
        interrupts.request();
        return new Promise(() => undefined);
      }
      return 'approve';
    };
    const { outcome, world } = await runFake(three, { decide, interrupts });
    expect(outcome.status).toBe('succeeded');
    expect(world.values).toEqual({ a: '1', b: '2', c: '3' });
  });

  it('asks for the protected environment name before the first change only', async () => {
    const yaml = `id: p\ntitle: P\nsteps:\n  - { id: r, do: fake.read, with: { key: a } }\n  - { id: a, do: fake.set, with: { key: a, value: "1" } }\n  - { id: b, do: fake.set, with: { key: b, value: "2" } }\n`;
    const seen: Array<[string, string | undefined]> = [];
    await runFake(yaml, {
      protectedEnvironment: 'production',
      decide: async (r) => {
        if (r.kind === 'approve') seen.push([r.step.id, r.confirmEnvironment]);
        // As the operator who typed the name: a bare 'approve' would not satisfy it.
        return r.kind === 'approve' && r.confirmEnvironment
          ? { decision: 'approve', confirmedEnvironment: r.confirmEnvironment }
          : 'approve';
      },
    });
    expect(seen).toEqual([
      ['r', undefined],
      ['a', 'production'],
      ['b', undefined],
    ]);
  });

  it('runs after_rollback steps once the undos are done, and only when something was undone', async () => {
    const world = fakeWorld();
    world.failures.c = 1;
    const yaml = `${three}after_rollback:\n  - { id: resync, do: fake.read, with: { key: a } }\n`;
    await runFake(yaml, { world });
    expect(world.calls).toEqual(['set a', 'set b', 'set c', 'undo b', 'undo a', 'read a']);
    const nothingDone = fakeWorld();
    nothingDone.failures.a = 1;
    await runFake(yaml, { world: nothingDone });
    expect(nothingDone.calls).toEqual(['set a']);
  });

  it('after a point of no return, undoes only the later steps and says to rotate again (exit 3)', async () => {
    const world = fakeWorld();
    world.failures.c = 1;
    const yaml = `id: p\ntitle: P\nsteps:\n  - { id: a, do: fake.set, with: { key: a, value: "1" } }\n  - { id: r, do: fake.revoke, with: { key: a } }\n  - { id: b, do: fake.set, with: { key: b, value: "2" } }\n  - { id: c, do: fake.set, with: { key: c, value: "3" } }\n`;
    const descriptions: string[] = [];
    const { outcome } = await runFake(yaml, {
      world,
      decide: async (r) => (r.kind === 'approve' && descriptions.push(r.description), 'approve'),
    });
    expect(world.calls).toEqual(['set a', 'revoke a', 'set b', 'set c', 'undo b']);
    expect(outcome).toMatchObject({ status: 'failed', exitCode: 3 });
    expect('reason' in outcome && outcome.reason).toContain('past the point of no return (step r)');
    expect(descriptions[1]).toMatch(/^⚠ point of no return/);
  });
});
