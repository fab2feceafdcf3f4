import { afterEach, describe, expect, it, vi } from 'vitest';

// Colour on for this file (chalk decides when it is first imported), so NO_COLOR has something to remove.
vi.hoisted(() => {
  process.env.FORCE_COLOR = '1';
});

import { EventEmitter } from 'node:events';
import { stripVTControlCharacters } from 'node:util';
import { render } from 'ink';
import type { ReactElement } from 'react';
import { createActionRegistry } from '../src/actions/index.js';
import { findRunbook, loadCatalog, runbookInfo } from '../src/session/catalog.js';
import { InputReview } from '../src/ui/input-review.js';
import { RunLive } from '../src/ui/run-live.js';
import { initialViewState, reduce } from '../src/engine/view-state.js';
import type { EngineEvent } from '../src/engine/types.js';

const t = Date.now();
const events: EngineEvent[] = [
  {
    type: 'session-started',
    at: t,
    plan: {
      runbookId: 'r',
      title: 'Rotation',
      file: 'r.yaml',
      runbookHash: 'h',
      environment: 'sandbox',
      drill: true,
      inputs: {},
      checklist: [],
      steps: [
        { id: 'a', title: 'Write Vault', changes: true },
        { id: 'b', title: 'Sync', changes: true },
        { id: 'c', title: 'Verify', changes: false },
      ],
    },
  },
  { type: 'step-started', at: t, stepId: 'a', attempt: 1 },
  { type: 'step-succeeded', at: t + 200, stepId: 'a', outputs: {}, durationMs: 200 },
  { type: 'step-started', at: t + 200, stepId: 'b', attempt: 1 },
  {
    type: 'step-failed',
    at: t + 400,
    stepId: 'b',
    error: 'not synced',
    attempt: 1,
    willRetry: false,
    durationMs: 200,
  },
];

/** The raw frame, escape codes and all (the run screen unless told). */
function rawFrame(tree?: ReactElement): string {
  const stdout = Object.assign(new EventEmitter(), {
    columns: 80,
    rows: 24,
    frames: [] as string[],
    write(f: string) {
      stdout.frames.push(f);
      return true;
    },
  });
  const stdin = Object.assign(new EventEmitter(), {
    isTTY: false,
    setRawMode() {},
    setEncoding() {},
    resume() {},
    pause() {},
    ref() {},
    unref() {},
    read: () => null,
  });
  const state = events.reduce(reduce, initialViewState);
  const app = render(
    tree ?? (
      <RunLive
        state={state}
        interruptPending={false}
        protectedEnvironment
        width={80}
        rows={24}
        tick={0}
        now={t + 500}
      />
    ),
    { stdout: stdout as never, stdin: stdin as never, debug: true, patchConsole: false, exitOnCtrlC: false },
  );
  const frame = stdout.frames.at(-1) ?? '';
  app.unmount();
  return frame;
}

const COLOUR = /\u001b\[(3[0-9]|9[0-7])m/;

describe('NO_COLOR', () => {
  afterEach(() => {
    delete process.env.NO_COLOR;
  });

  it('drops every colour and keeps the marks and words that carry the meaning', () => {
    expect(rawFrame()).toMatch(COLOUR);
    process.env.NO_COLOR = '1';
    const raw = rawFrame();
    expect(raw).not.toMatch(COLOUR);
    const frame = stripVTControlCharacters(raw);
    expect(frame).toContain('[DRILL]');
    expect(frame).toContain('[PROTECTED]');
    expect(frame).toMatch(/✔ +Write Vault/);
    expect(frame).toMatch(/✘ +Sync +failed/);
    expect(frame).toMatch(/○ +Verify/);
  });

  it('the inputs review: no colour, and the marks and words still say what needs a value', () => {
    const actions = createActionRegistry();
    const runbook = runbookInfo(findRunbook('custom-script', loadCatalog(actions), actions));
    const review = () => <InputReview runbook={runbook} onDone={() => undefined} onBack={() => undefined} />;
    expect(rawFrame(review())).toMatch(COLOUR);
    process.env.NO_COLOR = '1';
    const raw = rawFrame(review());
    expect(raw).not.toMatch(COLOUR);
    const frame = stripVTControlCharacters(raw);
    expect(frame).toContain('· 2 to fill in');
    expect(frame).toMatch(/› ✘ secret_path +\(none\)/);
    expect(frame).toMatch(/ {2}✘ script_path +\(none\)/);
    expect(frame).toMatch(/ {4}pass +stdin +default/);
    expect(frame).toContain('✘ secret_path is required');
  });
});
