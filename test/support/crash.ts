import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinActions, createActionRegistry, type ActionRegistry } from '../../src/actions/index.js';
import type { ActionDefinition } from '../../src/actions/types.js';
import type { Decider, Outcome } from '../../src/engine/types.js';
import type { GivenInputs } from '../../src/runbook/inputs.js';
import { findRunbook, loadCatalog } from '../../src/session/catalog.js';
import { SANDBOX } from '../../src/session/environments.js';
import { createSessionStarter } from '../../src/session/start-session.js';
import type { StartSession } from '../../src/session/types.js';
import type { World } from '../../src/session/world.js';

/** Where a simulated kill lands: before a step is approved, inside it before its change, or inside it after. */
export interface KillPoint {
  stepId: string;
  at: 'between' | 'before-effect' | 'after-effect';
  /** The step's action (`do:`), when the point came from killPoints. */
  action?: string;
}

/** How the resumed session runs: who answers its questions, what it does on failure. */
export interface ResumeOptions {
  decide?: Decider;
  onFailure?: 'rollback' | 'stop' | 'ask';
  /** Runs between the kill and the resume (to change the world as time passing would). */
  beforeResume?: () => Promise<void>;
}

const never = () => new Promise<never>(() => undefined);

/** A for_each child runs as `<id>#<n>`: the point names the template, so the first copy is hit. */
const at = (stepId: string, point: KillPoint) =>
  stepId === point.stepId || stepId.startsWith(`${point.stepId}#`);

/**
 * An action registry whose actions freeze forever at the kill point, as a killed process would:
 * the journal holds exactly what it had written, and nothing runs after it. (Each record is
 * written before the engine goes on, so a killed process leaves the same file; a machine crash
 * could also lose records written since the last fsync, which comes at step boundaries.)
 */
function freezingActions(point: KillPoint, killed: { value: boolean }): ActionRegistry {
  const wrap = (a: ActionDefinition): ActionDefinition => ({
    ...a,
    async run(params, ctx) {
      if (killed.value) return never();
      if (at(ctx.stepId, point) && point.at === 'before-effect') {
        killed.value = true;
        return never();
      }
      const out = await a.run(params, ctx);
      if (at(ctx.stepId, point) && point.at === 'after-effect') {
        killed.value = true;
        return never();
      }
      return out;
    },
    undo:
      a.undo && (async (params, outputs, ctx) => (killed.value ? never() : a.undo!(params, outputs, ctx))),
  });
  return createActionRegistry(builtinActions.map(wrap));
}

function starter(world: World, journalDir: string, actions: ActionRegistry): StartSession {
  const catalog = loadCatalog(actions);
  return createSessionStarter({
    actions,
    findRunbook: (ref) => findRunbook(ref, catalog, actions),
    environment: () => SANDBOX,
    connect: async () => ({ ...world, close: async () => undefined }),
    journalDir,
    keyDir: join(journalDir, 'keys'),
    operator: 'test@crash',
    command: 'run',
    rotorVersion: 'test',
    env: {},
    onEnded: async () => undefined,
  });
}

const approve: Decider = async (r) => (r.kind === 'approve' ? 'approve' : 'rollback');

/**
 * Runs a runbook until the kill point, abandons that session as a dead process, then resumes it
 * from its journal with a fresh engine against the same world. Returns the resumed outcome, or
 * undefined when the run finished before reaching the point.
 */
export async function killAndResume(
  world: World,
  runbookId: string,
  inputs: GivenInputs,
  point: KillPoint,
  options: ResumeOptions = {},
): Promise<{ outcome?: Outcome; killed: boolean; journalDir: string; sessionId: string }> {
  const journalDir = mkdtempSync(join(tmpdir(), 'rotor-crash-'));
  const killed = { value: false };
  const first = starter(world, journalDir, freezingActions(point, killed));
  const decide: Decider = async (r) => {
    if (killed.value) return never();
    if (point.at === 'between' && r.kind === 'approve' && r.step.id === point.stepId) {
      killed.value = true;
      return never();
    }
    return approve(r);
  };
  const handle = await first({ runbookId, environment: 'sandbox', inputs, decide });
  const finished = await Promise.race([
    handle.done.then(() => true),
    new Promise<false>((resolve) => {
      const poll = setInterval(() => {
        if (killed.value) {
          clearInterval(poll);
          resolve(false);
        }
      }, 5);
    }),
  ]);
  if (finished) return { killed: false, journalDir, sessionId: handle.sessionId };
  await options.beforeResume?.();
  const second = starter(world, journalDir, createActionRegistry());
  const resumed = await second({
    runbookId,
    environment: 'sandbox',
    inputs,
    decide: options.decide ?? approve,
    resumeSessionId: handle.sessionId,
    ...(options.onFailure && { onFailure: options.onFailure }),
  });
  return { outcome: await resumed.done, killed: true, journalDir, sessionId: handle.sessionId };
}

/**
 * Every kill point of a shipped runbook, in order: each step at each of `ats`, except that a
 * parallel group has no effect of its own (its children do), so it is only killed between steps.
 */
export function killPoints(runbookId: string, ats: readonly KillPoint['at'][]): KillPoint[] {
  const actions = createActionRegistry();
  const { runbook } = findRunbook(runbookId, loadCatalog(actions), actions);
  const steps = runbook.steps.flatMap((s) =>
    'parallel' in s
      ? [
          { id: s.id, group: true, action: undefined as string | undefined },
          ...s.parallel.steps.map((c) => ({ id: c.id, group: false, action: c.do })),
        ]
      : [{ id: s.id, group: false, action: s.do }],
  );
  return steps.flatMap(({ id, group, action }) =>
    ats
      .filter((a) => !group || a === 'between')
      .map((a) => ({ stepId: id, at: a, ...(action && { action }) })),
  );
}
