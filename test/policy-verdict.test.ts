// Issue 13, item 5: structured outcomes. `run --due` decided whether to retry by matching the
// engine's prose (`startsWith('interrupted')`, `.includes('changes were left')`); an outcome now
// carries facts, and the verdict reads those.
import { describe, expect, it } from 'vitest';
import { Interrupts } from '../src/engine/interrupts.js';
import type { DecisionRequest, Outcome } from '../src/engine/types.js';
import { parsePolicy } from '../src/policy/policy.js';
import { rotatePolicy, verdictOf, type RotationVerdict } from '../src/policy/rotate-policy.js';
import { fakeWorld, runFake } from './support/fake-engine.js';

const steps = (...lines: string[]) =>
  `id: p\ntitle: P\n${lines.join('\n')}\nsteps:\n` +
  `  - { id: a, do: fake.set, with: { key: a, value: "1" } }\n` +
  `  - { id: r, do: fake.read, with: { key: a } }\n` +
  `  - { id: b, do: fake.set, with: { key: b, value: "2" } }\n`;
const withRevoke = `id: p\ntitle: P\nsteps:\n  - { id: a, do: fake.set, with: { key: a, value: "1" } }\n  - { id: x, do: fake.revoke, with: { key: a } }\n  - { id: b, do: fake.set, with: { key: b, value: "2" } }\n`;

/** Ctrl+C while step b waits for approval, answered with `answer`. */
async function interruptedAt(answer: 'abort' | 'rollback'): Promise<Outcome> {
  const interrupts = new Interrupts();
  const decide = async (r: DecisionRequest) => {
    if (r.kind === 'interrupt') return answer;
    if (r.step.id === 'b') {
      interrupts.request();
      return new Promise<never>(() => undefined);
    }
    return 'approve' as const;
  };
  return (await runFake(steps('on_failure: stop'), { decide, interrupts })).outcome;
}

/** Real engine endings, each with the verdict `run --due` must reach for it. */
async function endings(): Promise<Array<[string, Outcome, RotationVerdict]>> {
  const failing = (key: string, extra: Record<string, number> = {}) => {
    const world = fakeWorld();
    world.failures[key] = 1;
    Object.assign(world.failures, extra);
    return world;
  };
  const run = async (yaml: string, world = fakeWorld()) => (await runFake(yaml, { world })).outcome;
  return [
    ['succeeded', await run(steps()), 'ok'],
    ['rolled back after a failure', await run(steps('on_failure: rollback'), failing('b')), 'failed'],
    ['stopped before any change', await run(steps('on_failure: stop'), failing('a')), 'failed'],
    ['stopped with a change left', await run(steps('on_failure: stop'), failing('b')), 'needs-operator'],
    [
      'an undo failed',
      await run(steps('on_failure: rollback'), failing('b', { 'undo:a': 1 })),
      'needs-operator',
    ],
    ['past the point of no return', await run(withRevoke, failing('b')), 'needs-operator'],
    ['interrupted, left as is', await interruptedAt('abort'), 'interrupted'],
    ['interrupted, rolled back', await interruptedAt('rollback'), 'interrupted'],
  ];
}

describe('outcomes carry facts, and verdicts read them', () => {
  it('each ending has the facts that decide it', async () => {
    const byName = Object.fromEntries((await endings()).map(([name, outcome]) => [name, outcome]));
    expect(byName['succeeded']).toEqual({ status: 'succeeded', exitCode: 0 });
    expect(byName['stopped with a change left']).toMatchObject({
      status: 'failed',
      exitCode: 3,
      changesLeft: true,
    });
    expect(byName['stopped before any change']).not.toHaveProperty('changesLeft');
    expect(byName['an undo failed']).toMatchObject({ status: 'rollback-incomplete', undoFailed: true });
    expect(byName['past the point of no return']).toMatchObject({ exitCode: 3, pastNoReturn: 'x' });
    expect(byName['interrupted, left as is']).toMatchObject({
      status: 'aborted',
      exitCode: 130,
      interrupted: true,
      changesLeft: true,
    });
  });

  it('rewording a message does not change a verdict', async () => {
    for (const [name, outcome, verdict] of await endings()) {
      expect(verdictOf(outcome), name).toBe(verdict);
      if (outcome.status === 'succeeded') continue;
      for (const reason of ['Stopped.', 'interrupted', 'completed changes were left as they are'])
        expect(verdictOf({ ...outcome, reason } as Outcome), `${name}, reworded "${reason}"`).toBe(verdict);
    }
  });

  it('run --due does not retry a half-done or interrupted rotation whatever its reason says', async () => {
    const policy = parsePolicy({ secret_path: 'harmonyflow/redis', rotation_type: 'manual', max_retries: 3 });
    const attemptsFor = async (outcome: Outcome) => {
      let attempts = 0;
      const result = await rotatePolicy(policy, {
        runAttempt: async () => (attempts++, { outcome, sessionId: `s${attempts}` }),
        notifier: {},
        sleep: async () => undefined,
        backoffMs: 0,
        report: () => undefined,
      });
      return [result.verdict, attempts];
    };
    const left = (await endings()).find(([name]) => name === 'interrupted, left as is')![1];
    expect(
      await attemptsFor({ ...left, reason: 'stopped by SIGTERM; two steps had run' } as Outcome),
    ).toEqual(['interrupted', 1]);
    const abortedWithChanges: Outcome = {
      status: 'aborted',
      exitCode: 130,
      reason: 'aborted by the operator',
      changesLeft: true,
    };
    expect(await attemptsFor(abortedWithChanges)).toEqual(['needs-operator', 1]);
    const clean: Outcome = { status: 'aborted', exitCode: 130, reason: 'interrupted by a reworded message' };
    expect(await attemptsFor(clean)).toEqual(['failed', 4]);
  });
});
