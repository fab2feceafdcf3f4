import { describe, expect, it } from 'vitest';
import { runInSandbox, succeeded } from './support/sandbox-run.js';

const fast = { sync_timeout_seconds: '10', rollout_timeout_seconds: '5' };
const APP = 'harmonyflow/session-state-service';
const NS = 'harmonyflow-production';

function k8sValue(run: Awaited<ReturnType<typeof runInSandbox>>, key: string): string {
  const secret = run.world.sandbox.kube.get('Secret', NS, 'session-state-service-secrets') as unknown as {
    data: Record<string, string>;
  };
  return Buffer.from(secret.data[key], 'base64').toString();
}

async function login(url: string): Promise<string> {
  const res = await fetch(`${url}/v1/auth/login`, {
    method: 'POST',
    body: JSON.stringify({ username: 'test', password: 'test' }),
  });
  return ((await res.json()) as { token: string }).token;
}

async function signedWith(url: string, token: string): Promise<string | undefined> {
  const res = await fetch(`${url}/v1/auth/verify`, { headers: { authorization: `Bearer ${token}` } });
  return res.status === 200 ? ((await res.json()) as { signed_with: string }).signed_with : undefined;
}

describe('runbook generic in the sandbox', () => {
  it('gives the IoT API key a new value in Vault; no cluster consumes it, so sync and restart are skipped', async () => {
    const run = await runInSandbox('generic');
    try {
      expect(run.failures).toEqual([]);
      expect(run.outcome).toEqual({ status: 'succeeded', exitCode: 0 });
      const { vault } = run.world.sandbox;
      const before = vault.kvRead('harmonyflow/iot-api-key', { version: 1 })!.data;
      const now = vault.kvRead('harmonyflow/iot-api-key')!;
      expect(now.version).toBe(2);
      expect(String(now.data['api-key'])).toMatch(/^[0-9a-f]{64}$/);
      expect(now.data['api-key']).not.toBe(before['api-key']);
      expect(Object.keys(now.data)).toEqual(['api-key']);
      expect(succeeded(run.events)).toEqual(['backup', 'rotate', 'check']);
      expect(run.events.filter((e) => e.type === 'step-skipped').map((e) => e.stepId)).toEqual([
        'sync',
        'restart',
      ]);
      for (const value of [before['api-key'], now.data['api-key']])
        expect(run.journal).not.toContain(String(value));
    } finally {
      await run.close();
    }
  });

  it('rotates several fields of a synced secret, keeping -previous, and the service takes them after the restart', async () => {
    let tokenBefore = '';
    const run = await runInSandbox('generic', {
      inputs: {
        ...fast,
        secret_path: APP,
        fields: 'jwt-secret, jwt-refresh-secret',
        keep_previous: 'true',
        encoding: 'base64',
        kubernetes: 'true',
        external_secret: 'session-state-service-jwt',
      },
      prepare: async (w) => void (tokenBefore = await login(w.env.ROTOR_SERVICE_URL)),
    });
    try {
      expect(run.failures).toEqual([]);
      expect(run.outcome).toEqual({ status: 'succeeded', exitCode: 0 });
      const { vault } = run.world.sandbox;
      const v1 = vault.kvRead(APP, { version: 1 })!.data;
      const now = vault.kvRead(APP)!.data;
      expect(now['jwt-secret']).not.toBe(v1['jwt-secret']);
      expect(now['jwt-secret-previous']).toBe(v1['jwt-secret']);
      expect(now['jwt-refresh-secret-previous']).toBe(v1['jwt-refresh-secret']);
      expect(now['api-key']).toBe(v1['api-key']);
      expect(k8sValue(run, 'jwt-secret')).toBe(now['jwt-secret']);
      const url = run.world.env.ROTOR_SERVICE_URL;
      expect(await signedWith(url, await login(url))).toBe('current');
      expect(await signedWith(url, tokenBefore)).toBe('previous');
      expect(succeeded(run.events)).toEqual(['backup', 'rotate', 'check', 'sync', 'restart']);
      for (const value of [v1['jwt-secret'], now['jwt-secret'], now['jwt-refresh-secret']])
        expect(run.journal).not.toContain(String(value));
    } finally {
      await run.close();
    }
  });

  it('rolls back when the restart fails (new pods crash): Vault, the Secret and the service hold the old value', async () => {
    let clear: (() => void) | undefined;
    const run = await runInSandbox('generic', {
      inputs: {
        ...fast,
        rollout_timeout_seconds: '2',
        secret_path: APP,
        fields: 'jwt-secret',
        kubernetes: 'true',
        external_secret: 'session-state-service-jwt',
      },
      prepare: (w) => {
        clear = w.sandbox.kube.injectFailure({
          kind: 'pod',
          namespace: NS,
          workload: 'session-state-service',
          reason: 'CrashLoopBackOff',
          message: 'fault injected by the test',
        });
      },
      // Fixed once the step failed, so the rollback's own restart can finish.
      onEvent: (e) => {
        if (e.type === 'step-failed' && e.stepId === 'restart') clear?.();
      },
    });
    try {
      expect(run.failures, run.failures.join('\n')).toHaveLength(1);
      expect(run.failures[0]).toMatch(/^restart: /);
      expect(run.outcome).toMatchObject({ status: 'rolled-back', exitCode: 1 });
      const { vault } = run.world.sandbox;
      const v1 = vault.kvRead(APP, { version: 1 })!.data;
      const now = vault.kvRead(APP)!;
      expect(now.version).toBe(3);
      expect(now.data).toEqual(v1);
      expect(k8sValue(run, 'jwt-secret')).toBe(v1['jwt-secret']);
      expect(succeeded(run.events)).toEqual(expect.arrayContaining(['resync', 'restart-again']));
      // The old credential still works: a token signed with it is current.
      const url = run.world.env.ROTOR_SERVICE_URL;
      expect(await signedWith(url, await login(url))).toBe('current');
    } finally {
      await run.close();
    }
  });
});
