import { describe, expect, it } from 'vitest';
import { initialEntries, type InputSpec, type ReviewContext } from '../src/ui/input-review-model.js';
import { initialReview, reviewKey, type ReviewKey, type ReviewStep } from '../src/ui/input-review-state.js';

const spec = (name: string, over: Partial<InputSpec> = {}): InputSpec => ({
  name,
  required: false,
  secret: false,
  ...over,
});
const inputs: InputSpec[] = [
  spec('path', { required: true, describe: 'the path' }),
  spec('count', { default: '3', pattern: '[0-9]+' }),
  spec('token', { secret: true, default: 'dflt' }),
  spec('mode', { default: 'a', choices: ['a', 'b'] }),
];
const ctx: ReviewContext = { inputs };

/** Folds keys (a string is typed text) through the reducer from the first state. */
function press(context: ReviewContext, keys: Array<string | Partial<ReviewKey>>, given = {}): ReviewStep {
  let step: ReviewStep = { state: initialReview(context, initialEntries(context, given)) };
  for (const key of keys) {
    if (step.done || step.back) break;
    step = reviewKey(context, step.state, typeof key === 'string' ? { input: key } : { input: '', ...key });
  }
  return step;
}

describe('inputs review reducer', () => {
  it('starts on the first input that needs a value; accept all opens it and says why', () => {
    const step = press(ctx, ['a']);
    expect(step.done).toBeUndefined();
    expect(step.state.cursor).toBe(0);
    expect(step.state.editing).toMatchObject({ draft: '', chain: 'accept' });
    expect(step.state.notice).toBe('path is required: the path.');
  });

  it('once the opened input is right, accept all goes on by itself with only what was typed', () => {
    const step = press(ctx, ['a', 'x/y', { return: true }]);
    expect(step.done).toEqual({ path: 'x/y' });
  });

  it('an empty edit means the default; a wrong value keeps the editor open with the reason', () => {
    const down = { downArrow: true };
    let step = press(ctx, [down, { return: true }, { ctrl: true, input: 'u' }, 'x', { return: true }]);
    expect(step.state.editing?.error).toMatch(/^"x" does not match the pattern \[0-9\]\+/);
    step = press(ctx, [down, { return: true }, { backspace: true }, { return: true }]);
    expect(step.state.entries.count).toEqual({ value: '3', source: 'default', entered: true });
  });

  it('a list input is picked with the arrows; Esc drops an edit, and goes back only from the list', () => {
    const toMode = [{ downArrow: true }, { downArrow: true }, { downArrow: true }];
    let step = press(ctx, [...toMode, { return: true }, { rightArrow: true }, { return: true }]);
    expect(step.state.entries.mode).toMatchObject({ value: 'b', source: 'typed' });
    step = press(ctx, [...toMode, { return: true }, { escape: true }]);
    expect(step.back).toBeUndefined();
    expect(step.state.entries.mode).toMatchObject({ value: 'a', source: 'default' });
    expect(press(ctx, [{ escape: true }]).back).toBe(true);
  });

  it('at resume non-secret inputs do not open; secret ones must be entered (empty keeps the default)', () => {
    const resuming: ReviewContext = { inputs, resuming: true };
    const given = { plain: { path: 'p', count: '3', mode: 'a' }, sources: { path: 'session' } };
    let step = press(
      resuming,
      [{ upArrow: true }, { upArrow: true }, { upArrow: true }, { return: true }],
      given,
    );
    expect(step.state.editing).toBeUndefined();
    expect(step.state.notice).toBe('path is read-only when resuming: the session started with this value.');
    step = press(resuming, ['a'], given);
    expect(step.state.cursor).toBe(2);
    expect(step.state.notice).toMatch(/^token is secret and the journal does not keep it: type it again/);
    step = press(resuming, ['a', { return: true }], given);
    expect(step.done).toEqual({ token: '' }); // empty: the runbook's default
  });

  it('an input given before the screen and emptied on it goes as empty, so the default replaces it', () => {
    const given = { plain: { path: 'p', count: '7' }, sources: { count: 'set' } };
    const step = press(
      ctx,
      [{ downArrow: true }, { return: true }, { ctrl: true, input: 'u' }, { return: true }, 'a'],
      given,
    );
    expect(step.state.entries.count).toMatchObject({ value: '3', source: 'default' });
    expect(step.done).toEqual({ count: '' });
  });

  it('s saves only when the screen offers it', () => {
    const given = { plain: { path: 'p' } };
    expect(press(ctx, ['s'], given).done).toBeUndefined();
    const step = reviewKey(
      ctx,
      initialReview(ctx, initialEntries(ctx, given)),
      { input: 's' },
      { canSave: true },
    );
    expect(step).toMatchObject({ done: {}, save: true });
  });
});
