import { afterEach, describe, expect, it, vi } from 'vitest';
import { App } from '../src/ui/app.js';
import { ENTER_HINT } from '../src/ui/approval-state.js';
import type { EnvironmentInfo, RunbookInfo, StartRequest, StartSession } from '../src/session/types.js';
import type { EngineEvent, PlanSummary, PlannedStep } from '../src/engine/types.js';
import { fakeWorld } from './support/fake-engine.js';
import { keys, renderTui, waitForFrame, type Rendered } from './support/ui-render.js';
import { engineSession, scriptedSession, type ScriptedSession } from './support/ui-session.js';

const environments: EnvironmentInfo[] = [
  { name: 'sandbox', protected: false, sandbox: true },
  { name: 'production', protected: true, sandbox: false },
];
const info = (id: string): RunbookInfo => ({
  id,
  title: 'Rotation drill',
  file: `${id}.yaml`,
  checklist: [],
  inputs: [],
});

const yaml = `
id: rot
title: Rotation drill
steps:
  - { id: read, title: Read the current value, do: fake.read, with: { key: a } }
  - { id: set, title: Set a, do: fake.set, with: { key: a, value: "1" } }
  - { id: drop, title: Drop the old password, do: fake.set, confirm: drop-it, with: { key: b, value: "2" } }
`;

let screen: Rendered | undefined;
afterEach(() => screen?.unmount());

function renderApp(start: StartSession, onExit = vi.fn(), env = 'sandbox') {
  screen = renderTui(
    <App
      runbooks={[info('rot')]}
      environments={environments}
      start={start}
      initial={{ environment: env, runbookId: 'rot' }}
      onExit={onExit}
    />,
  );
  return { screen, onExit };
}

describe('run screen with the real engine', () => {
  it('walks a runbook: Enter approves read-only steps only, y approves, confirm text is typed, summary exits 0', async () => {
    const session = engineSession(yaml);
    const { screen, onExit } = renderApp(session.start);
    let frame = await waitForFrame(
      screen.lastFrame,
      (f) => f.includes('Approve Read the current value (read-only)') && f.includes('awaiting approval'),
    );
    expect(frame).toContain('rotor · Rotation drill · test [DRILL]'); // the fake engine's plan says environment test
    expect(frame).toMatch(/\? +Read the current value +awaiting approval/);
    expect(frame).toMatch(/○ +Drop the old password/);
    expect(frame).toContain('read a');
    expect(frame).toContain('y approve · s skip · a abort · b roll back · ? help');
    screen.stdin.write(keys.enter);
    frame = await waitForFrame(
      screen.lastFrame,
      (f) => f.includes('Approve Set a (changes something)') && /✔ +Read the current value/.test(f),
    );
    expect(frame).toContain('set a');
    screen.stdin.write(keys.enter);
    frame = await waitForFrame(screen.lastFrame, ENTER_HINT);
    expect(session.world.calls).toEqual(['read a']);
    screen.stdin.write('?');
    frame = await waitForFrame(screen.lastFrame, 'roll back: undo completed steps, newest first');
    screen.stdin.write('y');
    frame = await waitForFrame(screen.lastFrame, 'Approve Drop the old password');
    expect(session.world.calls).toEqual(['read a', 'set a']);
    screen.stdin.write('y');
    frame = await waitForFrame(screen.lastFrame, 'Type the confirmation text drop-it to approve:');
    screen.stdin.write('drop-if');
    await waitForFrame(screen.lastFrame, 'approve: drop-if▌');
    screen.stdin.write(keys.enter);
    await waitForFrame(screen.lastFrame, 'That is not the confirmation text');
    expect(session.world.calls).toEqual(['read a', 'set a']);
    screen.stdin.write(keys.backspace);
    screen.stdin.write('t');
    await waitForFrame(screen.lastFrame, 'drop-it▌');
    screen.stdin.write(keys.enter);
    frame = await waitForFrame(screen.lastFrame, '✔ Succeeded');
    expect(session.world.values).toEqual({ a: '1', b: '2' });
    expect(frame).toContain('Journal: /state/rotor/sessions/s-1.jsonl');
    expect(frame).toContain('Nothing left to do');
    expect(frame).toMatch(/✔ +Drop the old password +\d+\.\ds/);
    // Scrollback above the summary: every step's end, with its duration.
    expect(frame).toMatch(/✔ Set a \(\d+\.\ds\)/);
    expect(frame).toContain('│ set a');
    expect(onExit).not.toHaveBeenCalled();
    screen.stdin.write(keys.enter);
    await vi.waitFor(() => expect(onExit).toHaveBeenCalledWith(0));
    expect(onExit).toHaveBeenCalledTimes(1);
  });

  it('on a failure prompt r retries; a later b b rolls back and the summary says what happened', async () => {
    const world = fakeWorld();
    world.failures.a = 1;
    const session = engineSession(yaml.replace('steps:', 'on_failure: ask\nsteps:'), world);
    const { screen, onExit } = renderApp(session.start);
    await waitForFrame(screen.lastFrame, 'Approve Read the current value');
    screen.stdin.write('y');
    await waitForFrame(screen.lastFrame, 'Approve Set a');
    screen.stdin.write('y');
    let frame = await waitForFrame(screen.lastFrame, 'Set a failed (attempt 1). What now?');
    expect(frame).toContain('cannot set a');
    expect(frame).toContain('r retry · s skip · b roll back · a abort · ? help');
    screen.stdin.write('r');
    await waitForFrame(screen.lastFrame, 'Approve Drop the old password');
    expect(world.values.a).toBe('1');
    screen.stdin.write('b');
    await waitForFrame(screen.lastFrame, 'Press b again to roll back');
    screen.stdin.write('b');
    frame = await waitForFrame(screen.lastFrame, '↺ Failed and rolled back');
    expect(world.values).toEqual({ a: '' });
    expect(frame).toContain('rolled back by the operator');
    expect(frame).toMatch(/↺ +Set a +rolled back/);
    expect(frame).toContain('Every completed step was undone');
    expect(frame).toContain('Enter or q to exit (exit code 1)');
    screen.stdin.write('q');
    await vi.waitFor(() => expect(onExit).toHaveBeenCalledWith(1));
  });

  it('Ctrl+C at an approval asks roll back, leave as is, or continue; b rolls back and exits 130', async () => {
    const session = engineSession(yaml);
    const { screen, onExit } = renderApp(session.start);
    await waitForFrame(screen.lastFrame, 'Approve Read the current value');
    screen.stdin.write('y');
    await waitForFrame(screen.lastFrame, 'Approve Set a');
    screen.stdin.write('y');
    await waitForFrame(screen.lastFrame, 'Approve Drop the old password');
    screen.stdin.write(keys.ctrlC);
    let frame = await waitForFrame(screen.lastFrame, 'Interrupted (Ctrl+C) at Drop the old password');
    expect(frame).toContain('b roll back · l leave as is · c continue · ? help');
    expect(frame).toContain('nothing more happens until you choose');
    screen.stdin.write('c');
    await waitForFrame(screen.lastFrame, 'Approve Drop the old password');
    screen.stdin.write(keys.ctrlC);
    await waitForFrame(screen.lastFrame, 'Interrupted (Ctrl+C)');
    screen.stdin.write('b');
    frame = await waitForFrame(screen.lastFrame, '■ Aborted');
    expect(session.world.values).toEqual({ a: '' });
    expect(frame).toContain('interrupted; rolled back');
    expect(frame).toContain('■ after Ctrl+C: roll back');
    expect(frame).toContain('· Set a: approved');
    screen.stdin.write(keys.enter);
    await vi.waitFor(() => expect(onExit).toHaveBeenCalledWith(130));
  });

  it('l leaves completed changes in place and the summary lists them', async () => {
    const session = engineSession(yaml);
    const { screen } = renderApp(session.start);
    await waitForFrame(screen.lastFrame, 'Approve Read the current value');
    screen.stdin.write('y');
    await waitForFrame(screen.lastFrame, 'Approve Set a');
    screen.stdin.write('y');
    await waitForFrame(screen.lastFrame, 'Approve Drop the old password');
    screen.stdin.write(keys.ctrlC);
    await waitForFrame(screen.lastFrame, 'Interrupted (Ctrl+C)');
    screen.stdin.write('l');
    const frame = await waitForFrame(screen.lastFrame, '■ Aborted');
    expect(frame).toContain('These changes were left in place:');
    expect(frame).toContain('✔ Set a');
    expect(frame).toContain('(exit code 130)');
  });

  it('marks the point of no return in the step list before it runs, and in its approval', async () => {
    const session = engineSession(`
id: rot
title: Rotation drill
steps:
  - { id: set, title: Set a, do: fake.set, with: { key: a, value: "1" } }
  - { id: revoke, title: Revoke the old a, do: fake.revoke, with: { key: a } }
`);
    const { screen } = renderApp(session.start);
    let frame = await waitForFrame(
      screen.lastFrame,
      (f) => f.includes('Approve Set a') && f.includes('awaiting approval'),
    );
    expect(frame).toMatch(/○ +Revoke the old a ⚠ no return/);
    expect(frame).not.toMatch(/Set a ⚠/);
    screen.stdin.write('y');
    frame = await waitForFrame(
      screen.lastFrame,
      (f) => f.includes('Approve Revoke the old a') && /\? +Revoke/.test(f),
    );
    expect(frame).toContain('⚠ point of no return: this cannot be undone; after it, a rollback means');
    expect(frame).toMatch(/\? +Revoke the old a ⚠ no return/);
  });
});

const step = (id: string, over: Partial<PlannedStep> = {}): PlannedStep => ({
  id,
  title: id,
  with: {},
  retries: 0,
  retryDelayMs: 0,
  changes: true,
  ...over,
});

function plan(steps: PlanSummary['steps']): PlanSummary {
  return {
    runbookId: 'rot',
    title: 'Rotation drill',
    file: 'rot.yaml',
    runbookHash: 'h',
    environment: 'production',
    drill: false,
    inputs: {},
    checklist: [],
    steps,
  };
}

/** A session the test scripts by hand, with the request the App started it with. */
function scripted(): { start: StartSession; session: ScriptedSession; request: () => StartRequest } {
  const session = scriptedSession();
  let request: StartRequest | undefined;
  return { session, request: () => request!, start: async (r) => ((request = r), session) };
}

describe('run screen with scripted events', () => {
  it('shows live output, progress and a protected environment that must be typed before approval', async () => {
    const { start, session, request } = scripted();
    const { screen } = renderApp(start, vi.fn(), 'production');
    await vi.waitFor(() => expect(request()).toBeDefined());
    const now = Date.now();
    const at = (dt: number) => now + dt;
    session.emit({
      type: 'session-started',
      at: at(0),
      plan: plan([
        { id: 'restart', title: 'Restart the pods', changes: true },
        { id: 'verify', title: 'Verify', changes: false },
      ]),
    });
    const decided = request().decide({
      kind: 'approve',
      step: step('restart', { title: 'Restart the pods' }),
      description: 'rolling restart of deployment/app in namespace app',
      confirmEnvironment: 'production',
    });
    session.emit({
      type: 'step-awaiting-approval',
      at: at(1),
      stepId: 'restart',
      description: 'rolling restart of deployment/app in namespace app',
    });
    let frame = await waitForFrame(screen.lastFrame, 'Approve Restart the pods');
    expect(frame).toContain('[PROTECTED]');
    expect(frame).not.toContain('[DRILL]');
    screen.stdin.write('y');
    await waitForFrame(screen.lastFrame, 'Type the environment name production to approve:');
    screen.stdin.write('production');
    await waitForFrame(screen.lastFrame, 'approve: production▌');
    screen.stdin.write(keys.enter);
    expect(await decided).toEqual({ decision: 'approve', confirmedEnvironment: 'production' });
    session.emit({ type: 'decision', at: at(2), stepId: 'restart', request: 'approve', decision: 'approve' });
    session.emit({ type: 'step-started', at: at(3), stepId: 'restart', attempt: 1 });
    for (let i = 1; i <= 8; i++)
      session.emit({ type: 'step-log', at: at(3 + i), stepId: 'restart', line: `pod app-${i} restarted` });
    session.emit({
      type: 'step-progress',
      at: at(20),
      stepId: 'restart',
      done: 2,
      total: 3,
      label: 'pods ready',
    });
    frame = await waitForFrame(screen.lastFrame, '2/3 pods ready');
    expect(frame).toMatch(/\[█+░+\] 2\/3 pods ready/);
    expect(frame).toContain('│ pod app-8 restarted');
    expect(frame).toMatch(/Restart the pods +running · \d+\.\ds/);
    expect(frame).toContain('○  Verify');
    // Ctrl+C while a step runs: the engine asks at the next safe point; the screen says so.
    screen.stdin.write(keys.ctrlC);
    await waitForFrame(screen.lastFrame, 'Ctrl+C received: stopping at the next safe point');
    expect(session.interrupts).toBe(1);
  });

  it('asks for a secret mid-step with masked entry and hands back a Secret', async () => {
    const { start, session, request } = scripted();
    const { screen } = renderApp(start);
    await vi.waitFor(() => expect(request()).toBeDefined());
    session.emit({
      type: 'session-started',
      at: Date.now(),
      plan: plan([{ id: 'unseal', title: 'Unseal Vault', changes: true }]),
    });
    session.emit({ type: 'step-started', at: Date.now(), stepId: 'unseal', attempt: 1 });
    const typed = request().askSecret!('Unseal key share 1 of 3');
    await waitForFrame(screen.lastFrame, 'Unseal key share 1 of 3 (typed characters are hidden)');
    screen.stdin.write('CANARY-share-');
    screen.stdin.write('9a9a');
    await waitForFrame(screen.lastFrame, '•'.repeat(17) + '▌');
    screen.stdin.write(keys.enter);
    const secret = await typed;
    expect(secret.reveal()).toBe('CANARY-share-9a9a');
    expect(String(secret)).not.toContain('CANARY');
    for (const f of screen.frames()) expect(f).not.toContain('CANARY');
  });

  it('shows a rollback that could not finish, with what to fix by hand', async () => {
    const { start, session, request } = scripted();
    const { screen, onExit } = renderApp(start);
    await vi.waitFor(() => expect(request()).toBeDefined());
    const t = Date.now();
    const events: EngineEvent[] = [
      {
        type: 'session-started',
        at: t,
        plan: plan([
          { id: 'a', title: 'Write Vault', changes: true },
          { id: 'b', title: 'Sync', changes: true },
        ]),
      },
      { type: 'step-started', at: t, stepId: 'a', attempt: 1 },
      { type: 'step-succeeded', at: t + 300, stepId: 'a', outputs: {}, durationMs: 300 },
      { type: 'step-started', at: t + 300, stepId: 'b', attempt: 1 },
      {
        type: 'step-failed',
        at: t + 900,
        stepId: 'b',
        error: 'secret not synced after 30s',
        attempt: 1,
        willRetry: false,
        durationMs: 600,
      },
      { type: 'rollback-started', at: t + 900, reason: 'step b failed', steps: ['a'] },
      { type: 'step-undoing', at: t + 900, stepId: 'a' },
      { type: 'step-undo-failed', at: t + 950, stepId: 'a', error: 'Vault 503 sealed at 127.0.0.1:8200' },
      {
        type: 'session-ended',
        at: t + 960,
        outcome: {
          status: 'rollback-incomplete',
          exitCode: 3,
          reason: 'step b failed: secret not synced after 30s',
        },
      },
    ];
    events.forEach((e) => session.emit(e));
    const frame = await waitForFrame(screen.lastFrame, '✘! Failed: rollback incomplete');
    expect(frame).toContain('Some undo steps failed: the systems are partly rotated. Fix these by hand:');
    expect(frame).toContain('✘! Write Vault: Vault 503 sealed at 127.0.0.1:8200');
    expect(frame).toMatch(/✘ +Sync +failed · 0\.6s/);
    expect(frame).toContain('(exit code 3)');
    screen.stdin.write(keys.escape);
    await vi.waitFor(() => expect(onExit).toHaveBeenCalledWith(3));
  });

  it('says so when the session itself breaks, and exits 3', async () => {
    const session = scriptedSession();
    const done = Promise.reject(new Error('cannot write the journal: disk full'));
    done.catch(() => undefined);
    const { screen, onExit } = renderApp(async () => ({ ...session, done }));
    const frame = await waitForFrame(
      screen.lastFrame,
      'The session stopped unexpectedly: cannot write the journal: disk full',
    );
    expect(frame).toContain('Journal: /state/rotor/sessions/s-1.jsonl');
    screen.stdin.write('q');
    await vi.waitFor(() => expect(onExit).toHaveBeenCalledWith(3));
  });
});
