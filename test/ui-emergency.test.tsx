import { describe, expect, it } from 'vitest';
import { createActionRegistry } from '../src/actions/index.js';
import { describeStep } from '../src/engine/describe.js';
import { sessionLookup } from '../src/engine/lookup.js';
import { buildPlan, summarizePlan } from '../src/engine/plan.js';
import { initialViewState, reduce, type ViewState } from '../src/engine/view-state.js';
import type { Decision, DecisionRequest, EngineEvent, PlanSummary } from '../src/engine/types.js';
import { resolveInputs } from '../src/runbook/inputs.js';
import { findRunbook, loadCatalog } from '../src/session/catalog.js';
import { App } from '../src/ui/app.js';
import { createPromptStore } from '../src/ui/prompt-store.js';
import { RunLive } from '../src/ui/run-live.js';
import { renderTui, waitForFrame } from './support/ui-render.js';
import { scriptedSession } from './support/ui-session.js';

const t = Date.now();
const actions = createActionRegistry();
const sandboxEnv = {
  ROTOR_SERVICE_URL: 'http://127.0.0.1:8080',
  ROTOR_SANDBOX_ADMIN_TOKEN: 'admin-token',
  ROTOR_SANDBOX_PG_ADMIN_URL: 'postgresql://postgres:pw@postgresql-primary.postgresql.sandbox:5432/postgres',
  ROTOR_SANDBOX_REDIS_NODES: 'redis-cluster-0.redis-production.sandbox:6379',
  ROTOR_SANDBOX_RABBITMQ_API: 'http://rabbitmq-server.rabbitmq-production.sandbox:15672',
  ROTOR_SANDBOX_RABBITMQ_AMQP: 'amqp://rabbitmq-server.rabbitmq-production.sandbox:5672',
  ROTOR_SANDBOX_RABBITMQ_ADMIN_PASSWORD: 'rabbit-admin',
};

import { sandboxLayer } from '../src/sandbox/sandbox-inputs.js';
import { valuesOf } from '../src/inventory/layers.js';

/** The shipped emergency runbook's plan, as a session would start it. */
function emergencyPlan(given: Record<string, string> = {}) {
  const loaded = findRunbook('emergency', loadCatalog(actions), actions);
  // As a sandbox session starts it: the sandbox's own values under what the test gives.
  const inputs = resolveInputs(
    loaded.runbook,
    { ...valuesOf(sandboxLayer(loaded.runbook)), ...given },
    sandboxEnv,
  );
  const plan = buildPlan(loaded.runbook, {
    file: loaded.file,
    runbookHash: loaded.hash,
    environment: 'sandbox',
    inputs,
    env: sandboxEnv,
    actions,
    drill: true,
  });
  return { plan, summary: summarizePlan(plan) };
}

/**
 * The rotate group mid-run: the first `done` secrets rotated, the next `running` running, one
 * failed when `failed`, the rest pending.
 */
function midRotation(
  summary: PlanSummary,
  counts: { done: number; running: number; failed?: boolean },
): EngineEvent[] {
  const children = summary.steps.find((s) => s.id === 'rotate')!.children!;
  const events: EngineEvent[] = [
    { type: 'session-started', at: t, plan: summary },
    { type: 'step-started', at: t, stepId: 'preflight', attempt: 1 },
    { type: 'step-succeeded', at: t + 100, stepId: 'preflight', outputs: {}, durationMs: 100 },
    { type: 'step-started', at: t + 100, stepId: 'rotate', attempt: 1 },
  ];
  const started = counts.done + counts.running + (counts.failed ? 1 : 0);
  children.slice(0, started).forEach((child, i) => {
    events.push({ type: 'step-started', at: t + 101 + i, stepId: child.id, attempt: 1, parentId: 'rotate' });
    events.push({
      type: 'step-log',
      at: t + 101 + i,
      stepId: child.id,
      line: `secret/${child.title.split(': ')[1]} is at version 1; rollback will write that version back`,
    });
    if (i < counts.done) {
      events.push({
        type: 'step-succeeded',
        at: t + 102 + i,
        stepId: child.id,
        outputs: {},
        durationMs: 300,
      });
      events.push({
        type: 'step-progress',
        at: t + 102 + i,
        stepId: 'rotate',
        done: i + 1,
        total: children.length,
        label: 'done',
      });
    }
  });
  if (counts.failed)
    events.push({
      type: 'step-failed',
      at: t + 900,
      stepId: children[started - 1].id,
      error: 'Vault secret/apps/app failed: 503; nothing was changed',
      attempt: 1,
      willRetry: false,
      durationMs: 300,
    });
  return events;
}

function fits(frame: string): void {
  const lines = frame.split('\n');
  expect(lines.length).toBeLessThanOrEqual(24);
  for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(80);
}

const live = (state: ViewState, decision?: ReturnType<typeof createPromptStore<DecisionRequest, Decision>>) =>
  renderTui(
    <RunLive
      state={state}
      decision={decision?.current()}
      interruptPending={false}
      protectedEnvironment={false}
      width={80}
      rows={24}
      tick={0}
      now={t + 1000}
    />,
  );

describe('the emergency run screen at 80x24', () => {
  it('shows every guide secret as a cell of the grid, with the count per status', async () => {
    const { summary } = emergencyPlan();
    const session = scriptedSession();
    const screen = renderTui(
      <App
        runbooks={[{ id: 'emergency', title: summary.title, file: summary.file, checklist: [], inputs: [] }]}
        environments={[{ name: 'sandbox', protected: false, sandbox: true }]}
        start={async () => session}
        initial={{ environment: 'sandbox', runbookId: 'emergency' }}
        onExit={() => undefined}
      />,
    );
    await new Promise((r) => setTimeout(r, 50));
    for (const event of midRotation(summary, { done: 3, running: 2 })) session.emit(event);
    const frame = await waitForFrame(screen.lastFrame, '✔ 3 done · ▶ 2 running · ○ 1 pending');
    const liveArea = frame.slice(frame.lastIndexOf('rotor · Emergency rotation'));
    fits(liveArea);
    for (const line of frame.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
    expect(liveArea).toMatch(/\[█+░+\] 3\/6 done/);
    // Every secret has its cell: its mark and the path (long ones cut with …).
    for (const cell of [
      '✔ harmonyflow/session…',
      '✔ harmonyflow/postgre…',
      '✔ harmonyflow/redis',
      'harmonyflow/rabbitmq',
      'harmonyflow/admin',
      '○ harmonyflow/iot-api…',
    ])
      expect(liveArea).toContain(cell);
    screen.unmount();
  });

  it('folds 1,000 secrets into counts, a progress bar and the cells still running or failed', async () => {
    const paths = Array.from({ length: 1000 }, (_, i) => `apps/app-${i + 1}`);
    const { summary } = emergencyPlan({ secret_paths: paths.join(',') });
    const state = midRotation(summary, { done: 400, running: 15, failed: true }).reduce(
      reduce,
      initialViewState,
    );
    const screen = live(state);
    const frame = await waitForFrame(screen.lastFrame, 'Rotate every secret');
    fits(frame);
    expect(frame).toMatch(/\[█+░+\] 400\/1000 done/);
    expect(frame).toContain('✔ 400 done · ▶ 15 running · ✘ 1 failed · ○ 584 pending');
    expect(frame).toContain('✘ apps/app-416');
    expect(frame).toContain('apps/app-401');
    expect(frame).not.toContain('apps/app-17 ');
    screen.unmount();
  });

  it('asks one approval for the whole rotation of 1,000 secrets, and it fits', async () => {
    const paths = Array.from({ length: 1000 }, (_, i) => `apps/app-${i + 1}`);
    const { plan, summary } = emergencyPlan({ secret_paths: paths.join(',') });
    const events = midRotation(summary, { done: 0, running: 0 }).slice(0, 3);
    const rotate = plan.steps.find((s) => s.id === 'rotate')!;
    const description = describeStep(rotate, actions, (item) =>
      sessionLookup({ inputs: plan.inputs, outputs: new Map(), skipped: new Set(), env: sandboxEnv }, item),
    );
    const store = createPromptStore<DecisionRequest, Decision>();
    void store.ask({ kind: 'approve', step: rotate, description });
    const state = [
      ...events,
      { type: 'step-awaiting-approval', at: t, stepId: 'rotate', description } as EngineEvent,
    ].reduce(reduce, initialViewState);
    const screen = live(state, store);
    const frame = await waitForFrame(screen.lastFrame, 'Approve Rotate every secret');
    fits(frame);
    expect(frame).toContain('1000 steps in parallel (at most 16 at once):');
    expect(frame).toContain('y approve');
    screen.unmount();
  });
});
