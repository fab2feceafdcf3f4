import { afterEach, describe, expect, it, vi } from 'vitest';
import { UnfinishedPicker } from '../src/ui/unfinished-picker.js';
import { unfinishedLabel } from '../src/ui/unfinished-label.js';
import type { UnfinishedSession } from '../src/services/unfinished-sessions.js';
import { keys, renderTui, settle, waitForFrame, type Rendered } from './support/ui-render.js';

let screen: Rendered | undefined;
afterEach(() => screen?.unmount());

const session = (over: Partial<UnfinishedSession>): UnfinishedSession => ({
  sessionId: '20261123T150000Z-aaaa',
  runbookId: 'jwt',
  environment: 'staging',
  operator: 'ana@laptop',
  drill: false,
  status: 'unfinished',
  intact: true,
  inFlight: [],
  done: 0,
  ...over,
});

const sessions = [
  session({ sessionId: 's-2', runbookId: 'redis', inFlight: ['set-node#2'], done: 3 }),
  session({ sessionId: 's-1', environment: 'sandbox', drill: true, done: 4 }),
];

function renderPicker() {
  const onAnswer = vi.fn();
  screen = renderTui(
    <UnfinishedPicker
      sessions={sessions.map((s) => ({ sessionId: s.sessionId, label: unfinishedLabel(s) }))}
      limit={10}
      onAnswer={onAnswer}
    />,
  );
  return { screen, onAnswer };
}

describe('the offer of unfinished sessions at TUI start', () => {
  it('names each session, where it stopped, and starting something new as the last choice', async () => {
    const { screen } = renderPicker();
    const frame = await waitForFrame(screen.lastFrame, 'Start a new rotation');
    expect(frame).toContain('⚠ 2 unfinished session(s)');
    expect(frame).toContain('› Resume redis in staging, by ana@laptop: stopped inside set-node#2 (s-2)');
    expect(frame).toContain('Resume jwt in sandbox, by ana@laptop, drill: 4 step(s) done (s-1)');
    expect(frame.indexOf('(s-1)')).toBeLessThan(frame.indexOf('Start a new rotation'));
  });

  it('Enter resumes the highlighted session', async () => {
    const { screen, onAnswer } = renderPicker();
    await waitForFrame(screen.lastFrame, 'Start a new rotation');
    screen.stdin.write(keys.down);
    await waitForFrame(screen.lastFrame, '› Resume jwt');
    screen.stdin.write(keys.enter);
    await vi.waitFor(() => expect(onAnswer).toHaveBeenCalledWith({ resume: 's-1' }));
  });

  it('the last choice starts a new rotation; Ctrl+C quits', async () => {
    const first = renderPicker();
    await waitForFrame(first.screen.lastFrame, 'Start a new rotation');
    first.screen.stdin.write(keys.up); // wraps to the last item
    await waitForFrame(first.screen.lastFrame, '› Start a new rotation');
    first.screen.stdin.write(keys.enter);
    await vi.waitFor(() => expect(first.onAnswer).toHaveBeenCalledWith('new'));
    first.screen.unmount();
    const second = renderPicker();
    await waitForFrame(second.screen.lastFrame, 'Start a new rotation');
    second.screen.stdin.write(keys.ctrlC);
    await settle();
    expect(second.onAnswer).toHaveBeenCalledWith('quit');
  });
});
