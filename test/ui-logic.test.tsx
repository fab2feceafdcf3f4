import { describe, expect, it } from 'vitest';
import {
  approvalKey,
  confirmationsFor,
  initialApprovalState,
  ENTER_HINT,
  type ApprovalState,
  type PromptKey,
} from '../src/ui/approval-state.js';
import { checklistKey, initialChecklist } from '../src/ui/checklist-state.js';
import { stepWindow } from '../src/ui/step-window.js';
import { checkInput } from '../src/ui/input-check.js';
import { createPromptStore } from '../src/ui/prompt-store.js';
import { createPlainReporter } from '../src/ui/plain-reporter.js';
import { back, initialChoices, screenFor } from '../src/ui/app-flow.js';
import { editText } from '../src/ui/text-edit.js';
import { wrapLines } from '../src/ui/format.js';
import { initialViewState, reduce } from '../src/engine/view-state.js';
import type { Answer, DecisionRequest, PlannedStep } from '../src/engine/types.js';
import type { EnvironmentInfo, RunbookInfo } from '../src/session/types.js';
import { fakeWorld, runFake } from './support/fake-engine.js';

const step = (over: Partial<PlannedStep> = {}): PlannedStep => ({
  id: 'set-db',
  title: 'Set the password',
  with: {},
  retries: 0,
  retryDelayMs: 0,
  changes: true,
  ...over,
});
const approve = (over: Partial<PlannedStep> = {}, confirmEnvironment?: string): DecisionRequest => ({
  kind: 'approve',
  step: step(over),
  description: 'set the password of role app',
  confirmEnvironment,
});

/** Presses keys in order; returns the final state and every decision made. */
function press(
  request: DecisionRequest,
  ...keys: Array<string | PromptKey>
): { state: ApprovalState; decisions: Answer[] } {
  let state = initialApprovalState;
  const decisions: Answer[] = [];
  for (const k of keys) {
    const key: PromptKey =
      typeof k === 'string'
        ? k === '\r'
          ? { input: '', return: true }
          : k === '\u001b'
            ? { input: '', escape: true }
            : { input: k }
        : k;
    const next = approvalKey(request, state, key);
    state = next.state;
    if (next.decision) decisions.push(next.decision);
  }
  return { state, decisions };
}

describe('approval keys', () => {
  it('never approves a changing step on a bare Enter, and says why', () => {
    const { state, decisions } = press(approve(), '\r');
    expect(decisions).toEqual([]);
    expect(state.hint).toBe(ENTER_HINT);
  });

  it('approves a read-only step on Enter, and any step on y', () => {
    expect(press(approve({ changes: false }), '\r').decisions).toEqual(['approve']);
    expect(press(approve(), 'y').decisions).toEqual(['approve']);
    expect(press(approve(), 'Y').decisions).toEqual(['approve']);
  });

  it('skips on s, and asks once more before abort or roll back', () => {
    expect(press(approve(), 's').decisions).toEqual(['skip']);
    expect(press(approve(), 'a').decisions).toEqual([]);
    expect(press(approve(), 'a', 'a').decisions).toEqual(['abort']);
    expect(press(approve(), 'b', 'b').decisions).toEqual(['rollback']);
    const cancelled = press(approve(), 'b', 'x', 'b');
    expect(cancelled.decisions).toEqual([]);
    expect(cancelled.state.armed).toBe('rollback');
  });

  it('requires the confirm text, typed exactly, before approval counts', () => {
    const request = approve({ confirm: 'rotate-now' });
    expect(confirmationsFor(request)).toEqual([{ what: 'the confirmation text', text: 'rotate-now' }]);
    expect(press(request, 'y').decisions).toEqual([]);
    expect(press(request, 'y', 'rotate-nox', '\r').decisions).toEqual([]);
    expect(press(request, 'y', 'rotate-nox', '\r').state.hint).toContain('type "rotate-now" exactly');
    expect(press(request, 'y', 'rotate-nox', { input: '', backspace: true }, 'w', '\r').decisions).toEqual([
      'approve',
    ]);
    // While typing, y s a b are letters, not decisions.
    expect(press(request, 'y', 'sab', '\r').decisions).toEqual([]);
    expect(press(request, 'y', 'ro', '\u001b', '\r').state.confirming).toBeUndefined();
  });

  it('asks for the environment name first, then the step confirm text', () => {
    const request = approve({ confirm: 'yes' }, 'production');
    expect(press(request, 'y', 'yes', '\r').decisions).toEqual([]);
    // The typed name goes to the engine with the approval: only that satisfies its confirmation.
    expect(press(request, 'y', 'production', '\r', 'yes', '\r').decisions).toEqual([
      { decision: 'approve', confirmedEnvironment: 'production' },
    ]);
  });

  it('answers a failure with r s b a, and an interrupt with b l c', () => {
    const failure: DecisionRequest = { kind: 'failure', step: step(), error: 'boom', attempt: 1 };
    expect(press(failure, 'r').decisions).toEqual(['retry']);
    expect(press(failure, 's').decisions).toEqual(['skip']);
    expect(press(failure, 'b', 'b').decisions).toEqual(['rollback']);
    expect(press(failure, 'y', '\r').decisions).toEqual([]);
    const interrupt: DecisionRequest = { kind: 'interrupt', step: step() };
    expect(press(interrupt, 'b').decisions).toEqual(['rollback']);
    expect(press(interrupt, 'l').decisions).toEqual(['abort']);
    expect(press(interrupt, 'c').decisions).toEqual(['continue']);
    expect(press(interrupt, 'y', 'r', 's').decisions).toEqual([]);
  });

  it('toggles help on ?', () => {
    expect(press(approve(), '?').state.help).toBe(true);
    expect(press(approve(), '?', '?').state.help).toBe(false);
  });
});

describe('checklist', () => {
  it('ticks item by item and continues only when all are ticked', () => {
    let s = initialChecklist(3);
    const key = (input: string, extra = {}) => {
      const r = checklistKey(s, { input, ...extra });
      s = r.state;
      return r.done;
    };
    expect(key('', { return: true })).toBeUndefined();
    expect(s.ticked).toEqual([true, false, false]);
    expect(s.cursor).toBe(1);
    key(' ');
    expect(s.ticked).toEqual([true, true, false]);
    key('', { upArrow: true });
    key(' '); // unticks
    expect(s.ticked).toEqual([true, false, false]);
    expect(key('a')).toBeUndefined();
    key(' ');
    key(' ');
    expect(s.ticked).toEqual([true, true, true]);
    expect(key('', { return: true })).toBe(true);
  });
});

describe('step window', () => {
  it('keeps the current step in view within the rows, counting fold lines', () => {
    for (const count of [1, 5, 12, 40]) {
      for (const rows of [3, 5, 8]) {
        for (let current = 0; current < count; current++) {
          const w = stepWindow(count, current, rows);
          const used = (w.before > 0 ? 1 : 0) + (w.end - w.start) + (w.after > 0 ? 1 : 0);
          expect(used).toBeLessThanOrEqual(Math.max(3, rows));
          expect(current).toBeGreaterThanOrEqual(w.start);
          expect(current).toBeLessThan(w.end);
          expect(w.before + (w.end - w.start) + w.after).toBe(count);
        }
      }
    }
  });
});

describe('input checks', () => {
  const spec = {
    name: 'role',
    required: true,
    secret: false,
    pattern: '[a-z_]+',
    describe: 'a PostgreSQL role',
  };
  it('names the problem and, for secrets, never the value', () => {
    expect(checkInput(spec, '')).toBe('role is required: a PostgreSQL role.');
    expect(checkInput(spec, 'App-1')).toContain('"App-1" does not match the pattern [a-z_]+');
    expect(checkInput(spec, 'app')).toBeUndefined();
    expect(checkInput({ ...spec, secret: true }, 'Hunter2!')).not.toContain('Hunter2');
    expect(checkInput({ ...spec, default: 'x' }, '')).toBeUndefined();
    expect(checkInput({ name: 'mode', required: true, secret: false, choices: ['a', 'b'] }, 'c')).toBe(
      '"c" is not one of a, b.',
    );
  });

  it('edits a line: paste, backspace, submit, cancel', () => {
    expect(editText('ab', { input: 'cd' })).toEqual({ value: 'abcd' });
    expect(editText('ab', { input: '', backspace: true })).toEqual({ value: 'a' });
    expect(editText('ab', { input: '', return: true })).toEqual({ submit: 'ab' });
    expect(editText('ab', { input: '', escape: true })).toEqual({ cancel: true });
    expect(editText('ab', { input: '\u0007x' })).toEqual({ value: 'abx' });
  });

  it('wraps text to a width and says how many lines were cut', () => {
    expect(wrapLines('a'.repeat(25), 10, 5)).toEqual(['a'.repeat(10), '  aaaaaaaa', '  aaaaaaa']);
    expect(wrapLines('one two three four', 10, 5)).toEqual(['one two', '  three', '  four']);
    expect(wrapLines('1\n2\n3\n4', 10, 3)).toEqual(['1', '2', '… 2 more line(s)']);
  });
});

describe('prompt store', () => {
  it('answers the pending question once; a new question replaces it', async () => {
    const store = createPromptStore<string, number>();
    let changes = 0;
    store.subscribe(() => changes++);
    const first = store.ask('first');
    const firstPrompt = store.current()!;
    expect(store.current()).toBe(firstPrompt); // stable snapshot
    const second = store.ask('second');
    expect(store.current()!.request).toBe('second');
    firstPrompt.answer(1); // the engine gave up on it: ignored
    store.current()!.answer(2);
    store.current()?.answer(3);
    expect(await second).toBe(2);
    expect(store.current()).toBeUndefined();
    expect(changes).toBe(3);
    void first;
  });
});

const runbooks: RunbookInfo[] = [
  {
    id: 'pg',
    title: 'PostgreSQL',
    file: 'pg.yaml',
    checklist: ['window'],
    inputs: [{ name: 'role', required: true, secret: false }],
  },
  { id: 'demo', title: 'Demo', file: 'demo.yaml', checklist: [], inputs: [] },
];
const environments: EnvironmentInfo[] = [
  { name: 'sandbox', protected: false, sandbox: true },
  { name: 'production', protected: true, sandbox: false },
];

describe('app flow', () => {
  it('skips what the command line answered, and goes back only over what was picked on screen', () => {
    expect(screenFor(initialChoices(runbooks, environments, {}))).toBe('environment');
    const given = { environment: 'sandbox', runbookId: 'pg', inputs: { role: 'app' } };
    const c = initialChoices(runbooks, environments, given);
    // Inputs given on the command line are still reviewed (one key accepts them): never skipped.
    expect(screenFor(c, given)).toBe('inputs');
    expect(back(c, given)).toEqual(c);
    const reviewed = { ...c, inputs: {} };
    expect(screenFor(reviewed, given)).toBe('checklist');
    expect(screenFor(back(reviewed, given), given)).toBe('inputs');
    expect(screenFor({ ...reviewed, checked: true }, given)).toBe('start');
    const picked = {
      ...initialChoices(runbooks, environments, {}),
      environment: environments[0],
      runbook: runbooks[0],
    };
    expect(screenFor(picked)).toBe('inputs');
    expect(screenFor(back(picked))).toBe('runbook');
    expect(screenFor({ ...picked, runbook: runbooks[1] })).toBe('start');
  });

  it('a resumed session reviews its inputs, then skips the checklist its operator confirmed when it started', () => {
    const given = { environment: 'sandbox', runbookId: 'pg', inputs: { role: 'app' }, resuming: true };
    const c = initialChoices(runbooks, environments, given);
    expect(screenFor(c, given)).toBe('inputs');
    expect(screenFor({ ...c, inputs: {} }, given)).toBe('start');
  });
});

describe('view state extension and plain reporter', () => {
  const yaml = `
id: three
title: Three changes
steps:
  - { id: a, title: Set a, do: fake.set, with: { key: a, value: "1" } }
  - { id: b, title: Set b, do: fake.set, with: { key: b, value: "2" } }
`;

  it('log lines carry durations and decisions', async () => {
    const { events } = await runFake(yaml);
    const state = events.reduce(reduce, initialViewState);
    const done = state.log.find((l) => l.kind === 'step-succeeded' && l.stepId === 'a');
    expect(done?.durationMs).toBeTypeOf('number');
    expect(state.log.find((l) => l.kind === 'decision')?.decision).toEqual({
      request: 'approve',
      decision: 'approve',
    });
  });

  it('prints one human line per status change or output line, rollback included', async () => {
    const world = fakeWorld();
    world.failures.b = 1;
    const lines: string[] = [];
    const report = createPlainReporter((l) => lines.push(l));
    await runFake(yaml, { world, onEvent: report });
    expect(lines[0]).toBe('rotor · Three changes (three) · environment test · DRILL');
    expect(lines.map((l) => l.replace(/\(\d+\.\ds\)/, '(t)'))).toEqual([
      'rotor · Three changes (three) · environment test · DRILL',
      '▶ Set a',
      '  │ set a',
      '✔ Set a (t)',
      '▶ Set b',
      '✘ Set b: cannot set b (t)',
      '↺ rolling back 1 step(s): step b failed: cannot set b',
      '↺ undone: Set a (t)',
      'session rolled-back: step b failed: cannot set b',
      expect.stringMatching(/^exit 1 after \d+\.\ds$/),
    ]);
  });
});
