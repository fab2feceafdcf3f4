import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveKubeConfig } from '../src/adapters/kubernetes-config.js';
import { runDigest } from '../src/check/digest.js';
import { runChecks } from '../src/check/run-checks.js';
import { sourcesOver } from '../src/commands/check-sources.js';
import { startSandboxWorld } from '../src/sandbox/world.js';
import type { StartCheck } from '../src/ui/check-fleet.js';
import { App } from '../src/ui/app.js';
import type { EnvironmentInfo, RunbookInfo, StartRequest } from '../src/session/types.js';
import { keys, renderTui, waitForFrame } from './support/ui-render.js';

type World = Awaited<ReturnType<typeof startSandboxWorld>>;
let world: World;
beforeAll(async () => {
  world = await startSandboxWorld({ drift: true, readinessDelayMs: 30 });
}, 60_000);
afterAll(() => world?.close());

const sandbox: EnvironmentInfo = { name: 'sandbox', protected: false, sandbox: true };
const propagate: RunbookInfo = {
  id: 'propagate',
  title: 'Bring Kubernetes up to Vault',
  file: 'runbooks/propagate.yaml',
  checklist: ['Vault holds the value the workload should run with'],
  inputs: [],
} as unknown as RunbookInfo;

/** The real check over the sandbox emulators, rows arriving one by one as the command's do. */
function startCheck(delayMs = 0): StartCheck {
  const digest = runDigest();
  const kube = resolveKubeConfig({
    kubeconfig: world.sandbox.kube.kubeconfigPath,
    context: world.sandbox.kube.context,
  });
  const sources = sourcesOver(world.ports.vault!, kube, digest, {});
  // A slow Vault, for the test that watches rows arrive one by one.
  const slow = {
    ...sources,
    readVault: async (path: string) => {
      await new Promise((r) => setTimeout(r, delayMs));
      return sources.readVault(path);
    },
  };
  return (onRow) => runChecks(slow, { digest, environment: 'sandbox', atOnce: 2, onRow });
}

describe('the fleet screen', () => {
  it('fills in live from the picker, fits 80x24 without colour, and Enter opens a row and offers its repair', async () => {
    const previous = process.env.NO_COLOR;
    process.env.NO_COLOR = '1';
    const started: StartRequest[] = [];
    const screen = renderTui(
      <App
        runbooks={[propagate]}
        environments={[sandbox]}
        initial={{ environment: 'sandbox' }}
        start={async (request) => {
          started.push(request);
          throw new Error('not started in this test');
        }}
        onExit={() => {}}
        check={() => startCheck()}
      />,
    );
    try {
      await waitForFrame(screen.lastFrame, 'Check every secret (Vault, Kubernetes and pods agree?)');
      screen.stdin.write(keys.enter);
      await waitForFrame(screen.lastFrame, 'checking…');
      const table = await waitForFrame(screen.lastFrame, (f) => /\d+ checked/.test(f));
      expect(table).toMatch(/\d+ secrets: \d+ agree, 2 drift, 1 overdue, 0 unreachable/);
      // Findings first, the cursor on the first of them.
      const lines = table.split('\n');
      expect(lines.find((l) => l.startsWith('›'))).toMatch(/^› harmonyflow\/iot-dashboard .* drift$/);
      for (const frame of screen.frames().filter((f) => f.includes('Check every secret in'))) {
        expect(Math.max(...frame.split('\n').map((l) => l.length))).toBeLessThanOrEqual(80);
        expect(frame.split('\n').length).toBeLessThanOrEqual(24);
      }
      screen.stdin.write(keys.down);
      await waitForFrame(screen.lastFrame, (f) => /^› harmonyflow\/iot-telemetry/m.test(f));
      screen.stdin.write(keys.enter);
      // Lines wrap at 80 columns: compare the words.
      const detail = (await waitForFrame(screen.lastFrame, 'Enter run propagate')).replace(/\s+/g, ' ');
      expect(detail).toContain('harmonyflow/iot-telemetry — drift');
      expect(detail).toContain(
        '✗ secret Secret harmonyflow-iot/iot-telemetry differs from Vault v2 (ingest-token)',
      );
      expect(detail).toContain('✓ vault v2');
      expect(detail).toContain('Repair: rotor run propagate --env sandbox --set namespace=harmonyflow-iot');
      screen.stdin.write(keys.enter);
      // The repair's runbook, its inputs given: its checklist is next, then the session starts.
      await waitForFrame(screen.lastFrame, 'Vault holds the value the workload should run with');
      screen.stdin.write(' ');
      screen.stdin.write(keys.enter);
      await waitForFrame(() => (started.length ? 'started' : ''), 'started');
      expect(started[0]).toMatchObject({
        runbookId: 'propagate',
        environment: 'sandbox',
        inputs: {
          namespace: 'harmonyflow-iot',
          external_secret: 'iot-telemetry',
          kind: 'Deployment',
          workload: 'iot-ingest',
        },
      });
    } finally {
      screen.unmount();
      if (previous === undefined) delete process.env.NO_COLOR;
      else process.env.NO_COLOR = previous;
    }
  }, 30_000);

  it('shows rows as they arrive, before the run is over, and Esc goes back to the picker', async () => {
    const screen = renderTui(
      <App
        runbooks={[propagate]}
        environments={[sandbox]}
        initial={{ environment: 'sandbox' }}
        start={async () => {
          throw new Error('unused');
        }}
        onExit={() => {}}
        check={() => startCheck(250)}
      />,
    );
    try {
      await waitForFrame(screen.lastFrame, 'Check every secret');
      screen.stdin.write(keys.enter);
      const partial = await waitForFrame(
        screen.lastFrame,
        (f) => /checking… [1-9]\d* so far/.test(f),
        10_000,
      );
      expect(partial).toMatch(/^\S* ?\d+ secrets?: /m);
      await waitForFrame(screen.lastFrame, (f) => /\d+ checked/.test(f), 10_000);
      screen.stdin.write(keys.escape);
      await waitForFrame(screen.lastFrame, 'Choose a runbook');
    } finally {
      screen.unmount();
    }
  }, 30_000);
});
