import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { initialViewState, reduce } from '../src/engine/view-state.js';
import { PropagationPanel } from '../src/ui/propagation-panel.js';
import { propagationChain } from '../src/ui/propagation.js';
import { runInSandbox } from './support/sandbox-run.js';

describe('propagation panel', () => {
  it('follows a real jwt rotation link by link, from Vault to the checks', async () => {
    const run = await runInSandbox('jwt', {
      inputs: { sync_timeout_seconds: '10', rollout_timeout_seconds: '10' },
    });
    try {
      // Mid-run: after the Vault write, before the sync finished.
      const rotatedAt = run.events.findIndex((e) => e.type === 'step-succeeded' && e.stepId === 'rotate');
      const mid = run.events.slice(0, rotatedAt + 1).reduce(reduce, initialViewState);
      expect(propagationChain(mid).map((l) => `${l.name}:${l.state}`)).toEqual([
        'Vault:ok',
        'ExternalSecret:waiting',
        'Secret:waiting',
        'pods:waiting',
        'checks:waiting',
      ]);
      const end = run.events.reduce(reduce, initialViewState);
      const chain = propagationChain(end);
      expect(chain.map((l) => `${l.name}:${l.state}`)).toEqual([
        'Vault:ok',
        'ExternalSecret:ok',
        'Secret:ok',
        'pods:ok',
        'checks:ok',
      ]);
      expect(chain[0].detail).toBe('v1→v2');
      expect(chain[3].detail).toBe('3/3');
      expect(chain[4].detail).toBe('3/3');
      const { lastFrame, unmount } = render(<PropagationPanel state={end} />);
      expect(lastFrame()).toMatch(
        /^✔ Vault v1→v2 → ✔ ExternalSecret → ✔ Secret #[0-9a-f]{6} → ✔ pods 3\/3 → ✔ checks 3\/3$/,
      );
      expect(lastFrame()!.length).toBeLessThanOrEqual(80);
      unmount();
    } finally {
      await run.close();
    }
  });

  it('shows a failed link and the restore when a sync never completes', async () => {
    let clear: (() => void) | undefined;
    const run = await runInSandbox('jwt', {
      inputs: { sync_timeout_seconds: '1', rollout_timeout_seconds: '10' },
      prepare: (w) =>
        void (clear = w.sandbox.kube.injectFailure({
          kind: 'external-secret',
          namespace: 'harmonyflow-production',
          name: 'session-state-service-jwt',
        })),
      onEvent: (e) => {
        if (e.type === 'step-failed' && e.stepId === 'sync') clear?.();
      },
    });
    try {
      const failedAt = run.events.findIndex((e) => e.type === 'step-failed' && e.stepId === 'sync');
      const atFailure = propagationChain(run.events.slice(0, failedAt + 1).reduce(reduce, initialViewState));
      expect(atFailure.find((l) => l.name === 'ExternalSecret')?.state).toBe('failed');
      const end = propagationChain(run.events.reduce(reduce, initialViewState));
      expect(end.find((l) => l.name === 'Vault')?.state).toBe('restored');
    } finally {
      await run.close();
    }
  });
});
