import { describe, expect, it } from 'vitest';
import { fakeWorld, resumeAt, runFake } from './support/fake-engine.js';

// A token read before the change, a change, and a check that needs the token from before it.
const yaml = `
id: stale
title: Check against a value read before the change
steps:
  - { id: token-before, do: fake.read, with: { key: token } }
  - { id: change, do: fake.set, with: { key: a, value: "2" } }
  - { id: old-token-works, title: The old token still works, do: fake.read, with: { key: "{{ steps.token-before.value }}" } }
  - { id: after, do: fake.read, with: { key: a } }
`;
const hashed = { value: 'hmac-sha256:0f0f' }; // the journal keeps secret outputs only as hashes

describe('engine: resuming after a read whose secret output went with the interrupted session', () => {
  it('after a later change, a check against that output is skipped and says why; the rest finishes', async () => {
    const world = fakeWorld();
    world.values = { token: 'new-token', a: '2' };
    const { outcome, events } = await runFake(yaml, {
      world,
      resume: resumeAt({
        'token-before': { state: 'succeeded', outputs: hashed },
        change: { state: 'succeeded', outputs: {} },
      }),
    });
    expect(outcome).toMatchObject({ status: 'succeeded', exitCode: 0 });
    const skipped = events.find((e) => e.type === 'step-skipped' && e.stepId === 'old-token-works');
    expect(skipped).toMatchObject({
      reason: expect.stringContaining("needs step token-before's secret output from before the interruption"),
    });
    expect(world.calls).toEqual(['read token', 'read a']); // read again, then only the last check ran
  });

  it('with no change after it, the read is simply repeated and the check runs', async () => {
    const world = fakeWorld();
    world.values = { token: 'tok', tok: 'ok' };
    const { outcome, events } = await runFake(yaml, {
      world,
      resume: resumeAt({ 'token-before': { state: 'succeeded', outputs: hashed } }),
    });
    expect(outcome).toMatchObject({ status: 'succeeded' });
    expect(events.some((e) => e.type === 'step-skipped')).toBe(false);
    expect(world.calls).toEqual(['read token', 'set a', 'read tok', 'read a']);
  });
});
