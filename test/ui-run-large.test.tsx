import { describe, expect, it } from 'vitest';
import { RunLive } from '../src/ui/run-live.js';
import { createPromptStore } from '../src/ui/prompt-store.js';
import { initialViewState, reduce, type ViewState } from '../src/engine/view-state.js';
import type { Decision, DecisionRequest, EngineEvent, PlannedStep } from '../src/engine/types.js';
import { renderTui, waitForFrame } from './support/ui-render.js';
import { App } from '../src/ui/app.js';
import { scriptedSession } from './support/ui-session.js';

const CHILDREN = 1000;
const t = Date.now();

/** A group of 1,000 children mid-run: 400 done, 4 running, 1 failed, the rest pending. */
function bigGroupEvents(): EngineEvent[] {
  const children = Array.from({ length: CHILDREN }, (_, i) => ({
    id: `restart#${i + 1}`,
    title: `Restart: pod-${i + 1}`,
  }));
  const events: EngineEvent[] = [
    {
      type: 'session-started',
      at: t,
      plan: {
        runbookId: 'fleet',
        title: 'Fleet-wide credential rotation',
        file: 'fleet.yaml',
        runbookHash: 'h',
        environment: 'sandbox',
        drill: true,
        inputs: {},
        checklist: [],
        steps: [
          { id: 'backup', title: 'Record the current version', changes: false },
          { id: 'write', title: 'Write the new password to Vault', changes: true },
          { id: 'restart', title: 'Restart every pod', changes: true, children },
          ...Array.from({ length: 12 }, (_, i) => ({
            id: `verify-${i}`,
            title: `Verify service ${i}`,
            changes: false,
          })),
        ],
      },
    },
    { type: 'step-started', at: t, stepId: 'backup', attempt: 1 },
    { type: 'step-succeeded', at: t + 100, stepId: 'backup', outputs: {}, durationMs: 100 },
    { type: 'step-started', at: t + 100, stepId: 'write', attempt: 1 },
    { type: 'step-succeeded', at: t + 300, stepId: 'write', outputs: {}, durationMs: 200 },
    { type: 'step-started', at: t + 300, stepId: 'restart', attempt: 1 },
  ];
  for (let i = 1; i <= 405; i++) {
    events.push({
      type: 'step-started',
      at: t + 300 + i,
      stepId: `restart#${i}`,
      attempt: 1,
      parentId: 'restart',
    });
    events.push({
      type: 'step-log',
      at: t + 300 + i,
      stepId: `restart#${i}`,
      line: `rollout restart pod-${i}`,
    });
    if (i <= 400) {
      events.push({
        type: 'step-succeeded',
        at: t + 301 + i,
        stepId: `restart#${i}`,
        outputs: {},
        durationMs: 1,
      });
      events.push({
        type: 'step-progress',
        at: t + 301 + i,
        stepId: 'restart',
        done: i,
        total: CHILDREN,
        label: 'done',
      });
    }
  }
  events.push({
    type: 'step-failed',
    at: t + 800,
    stepId: 'restart#405',
    error: 'pod-405 not ready after 60s',
    attempt: 1,
    willRetry: false,
    durationMs: 60_000,
  });
  return events;
}

function liveFrame(
  state: ViewState,
  decision?: ReturnType<typeof createPromptStore<DecisionRequest, Decision>>,
) {
  return renderTui(
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
}

describe('run screen at scale', () => {
  it('folds a running group of 1,000 children into counts and active cells that fit 80x24', async () => {
    const state = bigGroupEvents().reduce(reduce, initialViewState);
    const screen = liveFrame(state);
    const frame = await waitForFrame(screen.lastFrame, 'Restart every pod');
    const lines = frame.split('\n');
    expect(lines.length).toBeLessThanOrEqual(23);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);
    expect(frame).toMatch(/\[█+░+\] 400\/1000 done/);
    expect(frame).toContain('✔ 400 done · ▶ 4 running · ✘ 1 failed · ○ 595 pending');
    expect(frame).toContain('pod-402');
    expect(frame).toContain('✘ pod-405');
    expect(frame).not.toContain('pod-17 ');
    expect(frame).toContain('Restart every pod (400/1000)');
    expect(frame).toMatch(/… \d+ more step\(s\)/);
    screen.unmount();
  });

  it('an approval for the group still fits, with what it will change', async () => {
    const events = bigGroupEvents().slice(0, 5);
    const state = events.reduce(reduce, initialViewState);
    const store = createPromptStore<DecisionRequest, Decision>();
    const group: PlannedStep = {
      id: 'restart',
      title: 'Restart every pod',
      with: {},
      retries: 0,
      retryDelayMs: 0,
      changes: true,
    };
    const description = `${CHILDREN} steps in parallel (at most 4 at once):\n${Array.from({ length: 6 }, (_, i) => `• Restart: pod-${i + 1}: rollout restart of deployment/pod-${i + 1} in namespace app, waiting for every replica to be ready`).join('\n')}\n… and 994 more`;
    void store.ask({ kind: 'approve', step: group, description });
    const screen = liveFrame(
      reduce(state, { type: 'step-awaiting-approval', at: t, stepId: 'restart', description }),
      store,
    );
    const frame = await waitForFrame(screen.lastFrame, 'Approve Restart every pod');
    const lines = frame.split('\n');
    expect(lines.length).toBeLessThanOrEqual(23);
    expect(frame).toContain('1000 steps in parallel (at most 4 at once):');
    expect(frame).toContain('y approve · s skip');
    screen.unmount();
  });
});

describe('a long live log', () => {
  it('folds a burst of 5,000 output lines in a few renders, each line once into the scrollback', async () => {
    const session = scriptedSession();
    const screen = renderTui(
      <App
        runbooks={[{ id: 'r', title: 'Chatty', file: 'r.yaml', checklist: [], inputs: [] }]}
        environments={[{ name: 'sandbox', protected: false, sandbox: true }]}
        start={async () => session}
        initial={{ environment: 'sandbox', runbookId: 'r' }}
        onExit={() => undefined}
      />,
    );
    await new Promise((r) => setTimeout(r, 50));
    const before = screen.frames().length;
    const started = performance.now();
    session.emit({
      type: 'session-started',
      at: t,
      plan: {
        runbookId: 'r',
        title: 'Chatty',
        file: 'r.yaml',
        runbookHash: 'h',
        environment: 'sandbox',
        drill: true,
        inputs: {},
        checklist: [],
        steps: [{ id: 'dump', title: 'Dump', changes: false }],
      },
    });
    session.emit({ type: 'step-started', at: t, stepId: 'dump', attempt: 1 });
    for (let i = 1; i <= 5000; i++)
      session.emit({ type: 'step-log', at: t, stepId: 'dump', line: `line ${i}` });
    const frame = await waitForFrame(screen.lastFrame, '│ line 5000', 10_000);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(screen.frames().length - before).toBeLessThan(20);
    expect(frame.match(/│ line 4321\n/g)).toHaveLength(1); // in the scrollback once; the live area shows the last few
    const live = frame.slice(frame.lastIndexOf('rotor · Chatty · sandbox'));
    expect(live.split('\n').length).toBeLessThan(16);
    screen.unmount();
  });
});
