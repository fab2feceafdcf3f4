import { afterEach, describe, expect, it, vi } from 'vitest';
import { createActionRegistry } from '../src/actions/index.js';
import { findRunbook, loadCatalog, runbookInfo } from '../src/session/catalog.js';
import type { RunbookInfo } from '../src/session/types.js';
import { infoInEnvironment } from '../src/inventory/info-in-environment.js';
import { sandboxLayer } from '../src/sandbox/sandbox-inputs.js';
import { InputReview, type InputReviewProps } from '../src/ui/input-review.js';
import { keys, renderTui, waitForFrame, type Rendered } from './support/ui-render.js';

const actions = createActionRegistry();
const catalog = loadCatalog(actions);
/** A shipped runbook as the sandbox fills it in (its stand-ins' addresses and credentials). */
const shipped = (id: string): RunbookInfo => {
  const loaded = findRunbook(id, catalog, actions);
  return infoInEnvironment(runbookInfo(loaded), sandboxLayer(loaded.runbook));
};
const CANARY = 'CANARY-4e1d-never-on-screen';

let screen: Rendered | undefined;
afterEach(() => {
  screen?.unmount();
  screen = undefined;
});

function review(runbook: RunbookInfo, props: Partial<InputReviewProps> = {}) {
  const onDone = vi.fn();
  const onBack = vi.fn();
  screen = renderTui(<InputReview runbook={runbook} onDone={onDone} onBack={onBack} {...props} />);
  return { screen, onDone, onBack };
}

/** Moves the cursor to `name`: to the top, then exact key presses down, then the frame that shows it. */
async function moveTo(s: Rendered, runbook: RunbookInfo, name: string): Promise<void> {
  const index = runbook.inputs.findIndex((i) => i.name === name);
  for (let i = 0; i < runbook.inputs.length; i++) s.stdin.write(keys.up);
  for (let i = 0; i < index; i++) s.stdin.write(keys.down);
  await waitForFrame(s.lastFrame, (f) => new RegExp(`› [ ✘·] ${name} `).test(f));
}

/** Every frame fits the terminal, keeps its title on top and its key legend at the bottom. */
function expectFramed(frames: string[], title: string) {
  for (const frame of frames) {
    const lines = frame.replace(/\n$/, '').split('\n');
    expect(lines.length, frame).toBeLessThanOrEqual(23);
    expect(lines[0], frame).toContain(title);
    expect(lines.at(-1), frame).toMatch(/Enter (edit|keep)/);
    for (const line of lines) expect([...line].length, line).toBeLessThanOrEqual(80);
  }
}

describe('inputs review screen (80x24)', () => {
  it('lists every input with its value and source, and scrolls a long list under a fixed title and legend', async () => {
    const { screen } = review(shipped('emergency'), {
      given: { plain: { concurrency: '4' }, sources: { concurrency: 'set', admin_url: 'environment' } },
    });
    let frame = await waitForFrame(screen.lastFrame, 'Inputs for Emergency');
    expect(frame).toContain('· 21 · all set');
    expect(frame).toMatch(/› {3}secret_paths +harmonyflow\/session-state-service,.*… default/);
    expect(frame).toMatch(/ concurrency +4 +--set/);
    expect(frame).toMatch(/ admin_url +•••••• +ROTOR_INPUT/);
    expect(frame).toMatch(/ service_url +\(from ROTOR_SERVICE_URL\) +default/);
    expect(frame).toContain('↓ 5 more');
    expect(frame).not.toContain('rabbitmq_vhost');
    for (let i = 0; i < 20; i++) screen.stdin.write(keys.down);
    frame = await waitForFrame(screen.lastFrame, (f) => /› {3}rollout_timeout_seconds/.test(f));
    expect(frame).toMatch(/↑ \d+ more/);
    expect(frame).not.toMatch(/↓ \d+ more/);
    expect(frame).not.toMatch(/ secret_paths /);
    screen.stdin.write(keys.up);
    await waitForFrame(screen.lastFrame, (f) => /› {3}sync_timeout_seconds/.test(f));
    expectFramed(screen.frames(), 'Inputs for Emergency');
  });

  it('edits one input with Enter and accepts all with one key', async () => {
    const { screen, onDone } = review(shipped('demo'));
    await waitForFrame(screen.lastFrame, '› ');
    screen.stdin.write(keys.down);
    await waitForFrame(screen.lastFrame, /› {3}grace_seconds/.test.bind(/› {3}grace_seconds/));
    screen.stdin.write(keys.enter);
    let frame = await waitForFrame(screen.lastFrame, 'grace_seconds: 3▌');
    expect(frame).toContain('Enter keep');
    screen.stdin.write(keys.backspace);
    screen.stdin.write('7');
    await waitForFrame(screen.lastFrame, 'grace_seconds: 7▌');
    screen.stdin.write(keys.enter);
    frame = await waitForFrame(
      screen.lastFrame,
      /grace_seconds +7 +typed/.test.bind(/grace_seconds +7 +typed/),
    );
    expect(onDone).not.toHaveBeenCalled();
    screen.stdin.write('a');
    await vi.waitFor(() => expect(onDone).toHaveBeenCalledTimes(1));
    expect(onDone).toHaveBeenCalledWith({ grace_seconds: '7' }, { save: false });
    expectFramed(screen.frames(), 'Inputs for Demo');
  });

  it('refuses an invalid value on its field and marks a given one with the reason; accept all stops there', async () => {
    const { screen, onDone } = review(shipped('demo'), {
      given: { plain: { grace_seconds: 'soon' }, sources: { grace_seconds: 'set' } },
    });
    // The cursor starts on the input that needs a visit; its row carries the mark, the reason below.
    let frame = await waitForFrame(screen.lastFrame, '1 to fill in');
    expect(frame).toMatch(/› ✘ grace_seconds +soon +--set/);
    expect(frame).toContain('✘ "soon" does not match the pattern [0-9]+ (expected: how long the demo grace');
    screen.stdin.write('a');
    frame = await waitForFrame(screen.lastFrame, 'grace_seconds: soon▌');
    expect(onDone).not.toHaveBeenCalled();
    screen.stdin.write('!');
    screen.stdin.write(keys.enter);
    frame = await waitForFrame(screen.lastFrame, '"soon!" does not match the pattern');
    expect(frame).toContain('grace_seconds: soon!▌'); // still editing: nothing was kept
    screen.stdin.write('\u0015'); // Ctrl+U
    screen.stdin.write('2');
    screen.stdin.write(keys.enter);
    // Opened by accept-all: once the value is right, it goes on without another key.
    await vi.waitFor(() => expect(onDone).toHaveBeenCalledTimes(1));
    expect(onDone).toHaveBeenCalledWith({ grace_seconds: '2' }, { save: false });
  });

  it('accept all visits only the required inputs without a value, saying which, one after the other', async () => {
    const { screen, onDone } = review(shipped('custom-script'));
    let frame = await waitForFrame(screen.lastFrame, '2 to fill in');
    expect(frame).toMatch(/› ✘ secret_path +\(none\)/);
    expect(frame).toMatch(/ {2}✘ script_path +\(none\)/);
    screen.stdin.write('a');
    frame = await waitForFrame(screen.lastFrame, 'secret_path: ▌');
    expect(frame).toContain('secret_path is required: KV v2 path under the secret mount');
    screen.stdin.write('harmonyflow/scripted');
    screen.stdin.write(keys.enter);
    frame = await waitForFrame(screen.lastFrame, 'script_path: ▌');
    expect(frame).toContain('script_path is required');
    expect(onDone).not.toHaveBeenCalled();
    screen.stdin.write('/opt/rotate.sh');
    screen.stdin.write(keys.enter);
    await vi.waitFor(() => expect(onDone).toHaveBeenCalledTimes(1));
    expect(onDone).toHaveBeenCalledWith(
      { secret_path: 'harmonyflow/scripted', script_path: '/opt/rotate.sh' },
      { save: false },
    );
  });

  it('a later value that makes another input required (required_when) sends accept all there', async () => {
    const { screen, onDone } = review(shipped('generic'));
    await waitForFrame(screen.lastFrame, 'all set');
    await moveTo(screen, shipped('generic'), 'kubernetes');
    screen.stdin.write(keys.enter);
    let frame = await waitForFrame(screen.lastFrame, '[false]');
    screen.stdin.write(keys.up);
    frame = await waitForFrame(screen.lastFrame, '[true]');
    screen.stdin.write(keys.enter);
    frame = await waitForFrame(screen.lastFrame, '1 to fill in');
    expect(frame).toMatch(/✘ external_secret/);
    screen.stdin.write('a');
    frame = await waitForFrame(screen.lastFrame, 'external_secret: ▌');
    expect(frame).toContain('external_secret is required when kubernetes is true');
    screen.stdin.write('session-state-service-es');
    screen.stdin.write(keys.enter);
    await vi.waitFor(() => expect(onDone).toHaveBeenCalledTimes(1));
    expect(onDone).toHaveBeenCalledWith(
      { kubernetes: 'true', external_secret: 'session-state-service-es' },
      { save: false },
    );
  });

  it('masks secret inputs, typed or given: the canary is in no frame', async () => {
    const { screen, onDone } = review(shipped('postgres'));
    await waitForFrame(screen.lastFrame, 'Inputs for');
    await moveTo(screen, shipped('postgres'), 'admin_url');
    screen.stdin.write(keys.enter);
    await waitForFrame(screen.lastFrame, 'admin_url: ▌');
    // In pieces, as a paste arrives.
    screen.stdin.write(`postgres://admin:${CANARY}`.slice(0, 12));
    screen.stdin.write(`postgres://admin:${CANARY}`.slice(12));
    const typed = `postgres://admin:${CANARY}`.length;
    await waitForFrame(screen.lastFrame, `admin_url: ${'•'.repeat(typed)}▌`);
    screen.stdin.write(keys.enter);
    const frame = await waitForFrame(
      screen.lastFrame,
      /admin_url +•••••• +typed/.test.bind(/admin_url +•••••• +typed/),
    );
    screen.stdin.write('a');
    await vi.waitFor(() => expect(onDone).toHaveBeenCalledTimes(1));
    expect(onDone.mock.calls[0][0].admin_url).toBe(`postgres://admin:${CANARY}`);
    expect(frame).toContain('secret: never shown');
    for (const f of screen.frames()) expect(f).not.toContain('CANARY');
  });

  it('at resume: non-secret inputs are read-only, secret ones are typed again before going on', async () => {
    // As the journal gives them back: every non-secret input the session started with.
    const runbook = shipped('postgres');
    const plain = Object.fromEntries(
      runbook.inputs.filter((i) => !i.secret).map((i) => [i.name, String(i.default ?? 'from-session')]),
    );
    const sources = Object.fromEntries(Object.keys(plain).map((name) => [name, 'session']));
    const { screen, onDone } = review(runbook, { resuming: true, given: { plain, sources } });
    let frame = await waitForFrame(screen.lastFrame, 'resuming');
    expect(frame).toMatch(/› ✘ admin_url +\(from ROTOR_SANDBOX_PG_ADMIN_URL\) +default/);
    expect(frame).toMatch(/· secret_path +harmonyflow\/postgresql +session/);
    expect(frame).toContain('admin_url is secret and the journal does not keep it: type it again');
    screen.stdin.write(keys.up);
    await waitForFrame(screen.lastFrame, (f) => /› · secret_path/.test(f));
    screen.stdin.write(keys.enter);
    frame = await waitForFrame(screen.lastFrame, 'read-only when resuming');
    expect(frame).not.toContain('secret_path: harmonyflow/postgresql▌');
    screen.stdin.write('a');
    frame = await waitForFrame(screen.lastFrame, 'admin_url: ▌');
    screen.stdin.write(CANARY);
    screen.stdin.write(keys.enter);
    await vi.waitFor(() => expect(onDone).toHaveBeenCalledTimes(1));
    expect(onDone).toHaveBeenCalledWith({ admin_url: CANARY }, { save: false });
    for (const f of screen.frames()) expect(f).not.toContain('CANARY');
  });

  it('keys faster than the screen: each acts on what the previous one left', async () => {
    const { screen, onDone } = review(shipped('custom-script'));
    await waitForFrame(screen.lastFrame, '2 to fill in');
    // All in one turn of the event loop: React has not re-rendered between these keys.
    screen.stdin.write('a');
    screen.stdin.write('harmonyflow/x');
    screen.stdin.write(keys.enter);
    screen.stdin.write('/opt/r.sh');
    screen.stdin.write(keys.enter);
    await vi.waitFor(() => expect(onDone).toHaveBeenCalledTimes(1));
    expect(onDone).toHaveBeenCalledWith(
      { secret_path: 'harmonyflow/x', script_path: '/opt/r.sh' },
      { save: false },
    );
  });

  it('Esc goes back from the list, and only cancels the edit while editing', async () => {
    const { screen, onBack } = review(shipped('demo'));
    await waitForFrame(screen.lastFrame, 'Inputs for');
    screen.stdin.write(keys.enter);
    await waitForFrame(screen.lastFrame, 'service_url: ▌');
    screen.stdin.write(keys.escape);
    await waitForFrame(screen.lastFrame, 'Enter edit');
    expect(onBack).not.toHaveBeenCalled();
    screen.stdin.write(keys.escape);
    await vi.waitFor(() => expect(onBack).toHaveBeenCalledTimes(1));
  });
});
