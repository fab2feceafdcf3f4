// Figure: TUI frame time while 1,000 secrets update (goal < 50 ms per frame). The operator's
// screen from dist/ (<App> → run screen) is rendered by Ink into a fake 80x24 terminal, as
// `rotor` renders it (throttled, not debug), fed by a session whose `rotate` group of 1,000
// children updates in waves of 16 (started, then succeeded with progress), as emergency's does.
// Frame time is the main thread's busy time (event-loop utilization) per frame Ink drew: the
// view-state fold, React and Ink together; the longest single block is reported as well.
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { ROOT, report } from './lib.mjs';
import { sleep } from './support/net.mjs';

const { createElement } = await import('react');
const { render } = await import('ink');
const { App } = await import(join(ROOT, 'dist', 'src', 'ui', 'app.js'));

const CHILDREN = 1000;
const WAVE = 16;

class FakeStdout extends EventEmitter {
  columns = 80;
  rows = 24;
  isTTY = true;
  frames = 0;
  bytes = 0;
  write = (chunk) => {
    this.frames++;
    this.bytes += chunk.length;
    return true;
  };
}

class FakeStdin extends EventEmitter {
  isTTY = true;
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
  read() {
    return null;
  }
}

function scriptedSession() {
  const seen = [];
  const listeners = new Set();
  let finish;
  return {
    sessionId: 'bench-1',
    journalPath: '/dev/null',
    subscribe(listener) {
      seen.forEach(listener);
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    interrupt() {},
    done: new Promise((resolve) => (finish = resolve)),
    emit(event) {
      seen.push(event);
      listeners.forEach((l) => l(event));
      if (event.type === 'session-ended') finish(event.outcome);
    },
  };
}

const t = Date.now();
const children = Array.from({ length: CHILDREN }, (_, i) => ({
  id: `rotate#${i + 1}`,
  title: `Rotate: bench/fanout/secret-${i}`,
}));
const plan = {
  runbookId: 'emergency',
  title: 'Emergency rotation of every secret',
  file: 'emergency.yaml',
  runbookHash: 'h',
  environment: 'sandbox',
  drill: true,
  inputs: {},
  checklist: [],
  steps: [
    { id: 'preflight', title: 'Vault answers', changes: false },
    { id: 'rotate', title: 'Rotate every secret', changes: true, children },
    { id: 'sync', title: 'Sync every ExternalSecret', changes: true },
    { id: 'restart', title: 'Restart everything', changes: true },
    { id: 'verify', title: 'Verify', changes: false },
  ],
};

const session = scriptedSession();
const stdout = new FakeStdout();
let inkRenderMs = 0;
let renders = 0;
const instance = render(
  createElement(App, {
    runbooks: [{ id: 'emergency', title: plan.title, file: 'emergency.yaml', checklist: [], inputs: [] }],
    environments: [{ name: 'sandbox', protected: false, sandbox: true }],
    start: async () => session,
    initial: { environment: 'sandbox', runbookId: 'emergency' },
    onExit: () => undefined,
  }),
  {
    stdout,
    stderr: new FakeStdout(),
    stdin: new FakeStdin(),
    exitOnCtrlC: false,
    patchConsole: false,
    onRender: ({ renderTime }) => {
      inkRenderMs += renderTime;
      renders++;
    },
  },
);

try {
  await sleep(100);
  session.emit({ type: 'session-started', at: t, plan });
  session.emit({ type: 'step-started', at: t, stepId: 'preflight', attempt: 1 });
  session.emit({ type: 'step-succeeded', at: t, stepId: 'preflight', outputs: {}, durationMs: 5 });
  session.emit({ type: 'step-started', at: t, stepId: 'rotate', attempt: 1 });
  await sleep(100);

  const framesBefore = renders;
  inkRenderMs = 0;
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const elu0 = performance.eventLoopUtilization();
  const started = performance.now();
  let done = 0;
  // A wave of 16 starts, logs, and finishes every 30 ms (~2 s for 1,000), bounded in count.
  for (let wave = 0; wave * WAVE < CHILDREN; wave++) {
    const ids = children.slice(wave * WAVE, (wave + 1) * WAVE).map((c) => c.id);
    for (const stepId of ids) {
      session.emit({ type: 'step-started', at: Date.now(), stepId, attempt: 1, parentId: 'rotate' });
      session.emit({ type: 'step-log', at: Date.now(), stepId, line: `snapshot ${stepId}: version 1` });
    }
    await sleep(15);
    for (const stepId of ids) {
      session.emit({ type: 'step-succeeded', at: Date.now(), stepId, outputs: {}, durationMs: 15 });
      session.emit({
        type: 'step-progress',
        at: Date.now(),
        stepId: 'rotate',
        done: ++done,
        total: CHILDREN,
        label: 'rotated',
      });
    }
    await sleep(15);
  }
  await sleep(100); // the last buffered events are drawn
  const elu = performance.eventLoopUtilization(elu0);
  delay.disable();
  const frames = renders - framesBefore;
  const wallMs = performance.now() - started;
  const busyMs = elu.active;
  report('tui-frame', {
    children: CHILDREN,
    frames,
    wall_ms: wallMs,
    busy_ms: busyMs,
    frame_ms: busyMs / frames,
    ink_output_ms_per_frame: inkRenderMs / frames,
    longest_block_ms: delay.max / 1e6,
    goal: 'frame_ms<50',
  });
} finally {
  instance.unmount();
}
