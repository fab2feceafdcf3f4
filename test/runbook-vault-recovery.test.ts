import { describe, expect, it } from 'vitest';
import { Secret } from '../src/engine/secret.js';
import type { EngineEvent } from '../src/engine/types.js';
import { runInSandbox, succeeded } from './support/sandbox-run.js';
import { wrongShare } from './support/unseal-shares.js';

const EXTERNAL_SECRETS = [
  'session-state-service-jwt',
  'session-state-service-postgresql',
  'session-state-service-redis',
  'session-state-service-rabbitmq',
  'session-state-service-admin',
];
const fast = { sync_timeout_seconds: '10' };

type SealStatus = { sealed: boolean; progress: number; t: number };

function progress(events: EngineEvent[], stepId: string): string[] {
  return events.flatMap((e) =>
    e.type === 'step-progress' && e.stepId === stepId ? [`${e.done}/${e.total}`] : [],
  );
}

describe('runbook vault-recovery in the sandbox', () => {
  it('unseals a sealed Vault share by share, checks External Secrets and syncs every ExternalSecret', async () => {
    let keys: string[] = [];
    let startedAt = 0;
    // The keys exist once the world does: prepare fills the input in before the session starts.
    const inputs: Record<string, string | Secret> = { ...fast };
    const run = await runInSandbox('vault-recovery', {
      inputs,
      prepare: (w) => {
        w.sandbox.vault.seal();
        keys = w.sandbox.vault.unsealKeys.slice(0, w.sandbox.vault.threshold);
        inputs.unseal_keys = new Secret(keys.join(','));
        startedAt = Date.now();
      },
    });
    try {
      expect(run.failures).toEqual([]);
      expect(run.outcome).toEqual({ status: 'succeeded', exitCode: 0 });
      const { vault, kube } = run.world.sandbox;
      expect(vault.isSealed()).toBe(false);
      expect(progress(run.events, 'unseal')).toEqual(['0/3', '1/3', '2/3', '3/3']);
      for (const name of EXTERNAL_SECRETS) {
        const es = kube.get('ExternalSecret', 'harmonyflow-production', name) as unknown as {
          status: {
            refreshTime: string;
            conditions: Array<{ type: string; status: string; reason: string }>;
          };
        };
        expect(Date.parse(es.status.refreshTime), name).toBeGreaterThanOrEqual(
          Math.floor(startedAt / 1000) * 1000,
        );
        expect(
          es.status.conditions.find((c) => c.type === 'Ready'),
          name,
        ).toMatchObject({ status: 'True', reason: 'SecretSynced' });
      }
      // The shares never reach the journal.
      for (const key of keys) expect(run.journal).not.toContain(key);
      expect(succeeded(run.events)).toEqual(
        expect.arrayContaining(['status', 'unseal', 'unsealed', 'eso-ready', 'eso-logs', 'sync']),
      );
    } finally {
      await run.close();
    }
  });

  it('a wrong share fails clearly, the unseal progress starts again from 0, and Vault stays sealed', async () => {
    let wrong = '';
    let keys: string[] = [];
    const inputs: Record<string, string | Secret> = { ...fast };
    const run = await runInSandbox('vault-recovery', {
      inputs,
      prepare: (w) => {
        w.sandbox.vault.seal();
        keys = w.sandbox.vault.unsealKeys.slice(0, 2);
        wrong = wrongShare(keys);
        inputs.unseal_keys = new Secret([...keys, wrong].join(','));
      },
    });
    try {
      expect(run.outcome).toMatchObject({ status: 'failed', exitCode: 1 });
      expect(run.failures).toHaveLength(1);
      expect(run.failures[0]).toMatch(
        /^unseal: Vault refused the unseal share \(400\); the unseal progress starts again from 0/,
      );
      const { vault } = run.world.sandbox;
      expect(vault.isSealed()).toBe(true);
      const status = (await vault.call('GET', 'sys/seal-status')).body as SealStatus;
      expect(status).toMatchObject({ sealed: true, progress: 0 });
      expect(progress(run.events, 'unseal')).toEqual(['0/3', '1/3', '2/3']);
      for (const key of [...keys, wrong]) expect(run.journal).not.toContain(key);
      expect(succeeded(run.events)).toEqual(['status']);
    } finally {
      await run.close();
    }
  });

  it('says so and goes on when Vault is not sealed', async () => {
    const run = await runInSandbox('vault-recovery', { inputs: { ...fast, kubernetes: 'false' } });
    try {
      expect(run.outcome).toEqual({ status: 'succeeded', exitCode: 0 });
      expect(run.events).toContainEqual(
        expect.objectContaining({ type: 'step-log', stepId: 'unseal', line: 'Vault is already unsealed' }),
      );
    } finally {
      await run.close();
    }
  });
});
