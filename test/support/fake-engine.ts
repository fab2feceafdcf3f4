import { z } from 'zod';
import { createActionRegistry } from '../../src/actions/index.js';
import type { ActionDefinition } from '../../src/actions/types.js';
import type { Ports } from '../../src/ports/index.js';
import { secretParam as secretOrString } from '../../src/actions/secret-param.js';
import { reveal, type Secret } from '../../src/engine/secret.js';
import { Interrupts } from '../../src/engine/interrupts.js';
import { SecretRegistry } from '../../src/engine/secret-registry.js';
import { SessionKey } from '../../src/engine/session-key.js';
import { runPlan } from '../../src/engine/run-plan.js';
import { buildPlan } from '../../src/engine/plan.js';
import { parseRunbook } from '../../src/runbook/load.js';
import { resolveInputs } from '../../src/runbook/inputs.js';
import type { Decider, EngineEvent, Outcome } from '../../src/engine/types.js';
import type { ResumePoint, StepMark } from '../../src/engine/resume/resume-point.js';

/** A resume point as an interrupted session's journal would give it. */
export function resumeAt(marks: Record<string, StepMark>): ResumePoint {
  return { steps: new Map(Object.entries(marks)), ended: false, rollbackStarted: false };
}

/** A world the fake actions change, so tests can check the end state, not just events. */
export interface FakeWorld {
  values: Record<string, string>;
  calls: string[];
  /** Fail the named key's set this many more times. */
  failures: Record<string, number>;
  hang: Set<string>;
  /** Called as a `fake.set` begins its change (before touching `values`). */
  beforeSet?: (key: string, stepId: string) => void;
}

export function fakeWorld(): FakeWorld {
  return { values: {}, calls: [], failures: {}, hang: new Set() };
}

/** Fake actions over a FakeWorld: `fake.set` changes a value (with undo), `fake.read` reads one. */
export function fakeActions(world: FakeWorld): ActionDefinition[] {
  const set: ActionDefinition<{ key: string; value: string | Secret }> = {
    id: 'fake.set',
    summary: 'set a value',
    params: z.object({ key: z.string(), value: secretOrString }),
    outputs: ['previous'],
    changes: true,
    class: 'guarded',
    describe: (p) => `set ${p.key}`,
    async run(p, ctx) {
      world.beforeSet?.(p.key, ctx.stepId);
      world.calls.push(`set ${p.key}`);
      if (world.hang.has(p.key))
        await new Promise((_, reject) =>
          ctx.signal.addEventListener('abort', () => reject(new Error('aborted'))),
        );
      if ((world.failures[p.key] ?? 0) > 0) {
        world.failures[p.key]--;
        throw new Error(`cannot set ${p.key}`);
      }
      const previous = world.values[p.key] ?? '';
      world.values[p.key] = reveal(p.value);
      ctx.log(`set ${p.key}`);
      // The old value is as secret as the new one: publish it wrapped, as real actions do.
      return { previous: previous ? ctx.secret(previous) : '' };
    },
    // The fake world is its own system of record: the value is there, or the set did not happen.
    check: async (p) => (world.values[p.key] === reveal(p.value) ? 'done' : 'not-done'),
    async undo(p, outputs) {
      world.calls.push(`undo ${p.key}`);
      if (world.failures[`undo:${p.key}`]) throw new Error(`cannot undo ${p.key}`);
      world.values[p.key] = reveal(outputs.previous);
    },
  };
  const read: ActionDefinition<{ key: string }> = {
    id: 'fake.read',
    summary: 'read a value',
    params: z.object({ key: z.string() }),
    outputs: ['value'],
    changes: false,
    class: 'safe',
    describe: (p) => `read ${p.key}`,
    async run(p) {
      world.calls.push(`read ${p.key}`);
      return { value: world.values[p.key] ?? '' };
    },
  };
  const revoke: ActionDefinition<{ key: string }> = {
    id: 'fake.revoke',
    summary: 'revoke the old value for good',
    params: z.object({ key: z.string() }),
    outputs: [],
    changes: true,
    class: 'point-of-no-return',
    describe: (p) => `revoke the old ${p.key}`,
    async run(p) {
      world.calls.push(`revoke ${p.key}`);
      return {};
    },
  };
  return [set, read, revoke];
}

export const instantClock: Ports['clock'] = { now: () => Date.now(), sleep: async () => undefined };

export interface FakeRun {
  outcome: Outcome;
  events: EngineEvent[];
  world: FakeWorld;
}

/** Loads runbook text, plans it and runs it against fake actions with the given decider. */
export async function runFake(
  yaml: string,
  options: {
    decide?: Decider;
    world?: FakeWorld;
    inputs?: Record<string, string>;
    interrupts?: Interrupts;
    onEvent?: (e: EngineEvent) => void;
    protectedEnvironment?: string;
    resume?: ResumePoint;
    durable?: () => Promise<void>;
  } = {},
): Promise<FakeRun> {
  const world = options.world ?? fakeWorld();
  const actions = createActionRegistry([...fakeActions(world)]);
  const loaded = parseRunbook(yaml, 'test.yaml', actions);
  const inputs = resolveInputs(loaded.runbook, options.inputs ?? {});
  const plan = buildPlan(loaded.runbook, {
    file: 'test.yaml',
    runbookHash: loaded.hash,
    environment: 'test',
    inputs,
    env: {},
    actions,
    drill: true,
    protectedEnvironment: options.protectedEnvironment,
  });
  const events: EngineEvent[] = [];
  const outcome = await runPlan(plan, {
    actions,
    ports: { clock: instantClock, http: { request: async () => ({ status: 200, headers: {}, body: '' }) } },
    decide: options.decide ?? (async () => 'approve'),
    emit: (e) => {
      events.push(e);
      options.onEvent?.(e);
    },
    secrets: new SecretRegistry(),
    key: SessionKey.random(),
    interrupts: options.interrupts ?? new Interrupts(),
    resume: options.resume,
    durable: options.durable,
  });
  return { outcome, events, world };
}

export { Interrupts };
