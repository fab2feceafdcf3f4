import { describe, expect, it } from 'vitest';
import { runInSandbox, succeeded } from './support/sandbox-run.js';

const fast = { sync_timeout_seconds: '10', rollout_timeout_seconds: '5' };

async function login(url: string): Promise<string> {
  const res = await fetch(`${url}/v1/auth/login`, {
    method: 'POST',
    body: JSON.stringify({ username: 'test', password: 'test' }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { token: string }).token;
}

async function verify(url: string, token: string): Promise<string | undefined> {
  const res = await fetch(`${url}/v1/auth/verify`, { headers: { authorization: `Bearer ${token}` } });
  return res.status === 200 ? ((await res.json()) as { signed_with: string }).signed_with : undefined;
}

describe('runbook jwt in the sandbox', () => {
  it('rotates both secrets with the old ones kept as -previous, syncs, restarts and verifies', async () => {
    let before: string | undefined;
    const run = await runInSandbox('jwt', {
      inputs: fast,
      prepare: async (w) => void (before = await login(w.env.ROTOR_SERVICE_URL)),
    });
    try {
      expect(run.failures).toEqual([]);
      expect(run.outcome).toEqual({ status: 'succeeded', exitCode: 0 });
      const { vault, kube } = run.world.sandbox;
      const v1 = vault.kvRead('harmonyflow/session-state-service', { version: 1 })!.data;
      const now = vault.kvRead('harmonyflow/session-state-service')!;
      expect(now.version).toBe(2);
      expect(now.data['jwt-secret']).not.toBe(v1['jwt-secret']);
      expect(String(now.data['jwt-secret'])).toMatch(/^[A-Za-z0-9]{32}$/);
      expect(now.data['jwt-secret-previous']).toBe(v1['jwt-secret']);
      expect(now.data['jwt-refresh-previous']).toBe(v1['jwt-refresh-secret']);
      expect(now.data['api-key']).toBe(v1['api-key']);
      // The Kubernetes Secret holds what Vault holds.
      const secret = kube.get(
        'Secret',
        'harmonyflow-production',
        'session-state-service-secrets',
      ) as unknown as { data: Record<string, string> };
      expect(Buffer.from(secret.data['jwt-secret'], 'base64').toString()).toBe(now.data['jwt-secret']);
      // The service took the new secret and still accepts a token from before the rotation.
      const url = run.world.env.ROTOR_SERVICE_URL;
      expect(await verify(url, await login(url))).toBe('current');
      expect(await verify(url, before!)).toBe('previous');
      // Nothing secret reached the journal.
      for (const value of [v1['jwt-secret'], now.data['jwt-secret'], now.data['jwt-refresh-secret']])
        expect(run.journal).not.toContain(String(value));
      expect(succeeded(run.events)).toEqual(
        expect.arrayContaining([
          'backup',
          'rotate',
          'sync',
          'restart',
          'login-after',
          'new-token-valid',
          'old-token-valid',
        ]),
      );
    } finally {
      await run.close();
    }
  });

  it('rolls back when the ExternalSecret does not sync: Vault holds the old secret again and the service accepts it', async () => {
    let clear: (() => void) | undefined;
    const run = await runInSandbox('jwt', {
      inputs: { ...fast, sync_timeout_seconds: '2' },
      prepare: (w) => {
        clear = w.sandbox.kube.injectFailure({
          kind: 'external-secret',
          namespace: 'harmonyflow-production',
          name: 'session-state-service-jwt',
        });
      },
      // The fault is fixed once the step failed, so the rollback's own sync can succeed.
      onEvent: (e) => {
        if (e.type === 'step-failed' && e.stepId === 'sync') clear?.();
      },
    });
    try {
      expect(run.failures.slice(1)).toEqual([]);
      expect(run.outcome).toMatchObject({ status: 'rolled-back', exitCode: 1 });
      expect(run.failures[0]).toMatch(/^sync: /);
      const { vault } = run.world.sandbox;
      const v1 = vault.kvRead('harmonyflow/session-state-service', { version: 1 })!.data;
      const now = vault.kvRead('harmonyflow/session-state-service')!;
      expect(now.version).toBe(3); // restored as a new version, never a soft-delete
      expect(now.data).toEqual(v1);
      expect(succeeded(run.events)).toEqual(expect.arrayContaining(['resync', 'restart-again']));
      const url = run.world.env.ROTOR_SERVICE_URL;
      expect(await verify(url, await login(url))).toBe('current');
    } finally {
      await run.close();
    }
  });
});
