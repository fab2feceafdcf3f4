import { describe, expect, it } from 'vitest';
import type { HttpPort } from '../src/ports/http-port.js';
import { runInSandbox, succeeded } from './support/sandbox-run.js';

const fast = { sync_timeout_seconds: '10', rollout_timeout_seconds: '5' };
const PATH = 'harmonyflow/session-state-service';

async function health(url: string, key: string): Promise<number> {
  return (await fetch(`${url}/v1/health`, { headers: { 'x-api-key': key } })).status;
}

/** The demo service reloads its Secret a moment after a rollout completes (as a pod starts). */
async function healthSettles(url: string, key: string, want: number): Promise<number> {
  let got = 0;
  for (let i = 0; i < 40 && got !== want; i++) {
    got = await health(url, key);
    if (got !== want) await new Promise((r) => setTimeout(r, 50));
  }
  return got;
}

describe('runbook api-key in the sandbox', () => {
  it('writes a new hex key, syncs, restarts; the service accepts the new key and refuses the old one', async () => {
    const run = await runInSandbox('api-key', { inputs: fast });
    try {
      expect(run.failures).toEqual([]);
      expect(run.outcome).toEqual({ status: 'succeeded', exitCode: 0 });
      const { vault, kube } = run.world.sandbox;
      const v1 = vault.kvRead(PATH, { version: 1 })!.data;
      const now = vault.kvRead(PATH)!;
      expect(now.version).toBe(2);
      const key = String(now.data['api-key']);
      expect(key).toMatch(/^[0-9a-f]{64}$/);
      expect(key).not.toBe(v1['api-key']);
      // Only the key changed; no -previous kept (the guide's rotation has no grace period for it).
      expect({ ...now.data, 'api-key': v1['api-key'] }).toEqual(v1);
      const secret = kube.get(
        'Secret',
        'harmonyflow-production',
        'session-state-service-secrets',
      ) as unknown as { data: Record<string, string> };
      expect(Buffer.from(secret.data['api-key'], 'base64').toString()).toBe(key);
      const url = run.world.env.ROTOR_SERVICE_URL;
      expect(await health(url, key)).toBe(200);
      expect(await health(url, String(v1['api-key']))).toBe(401);
      for (const value of [key, v1['api-key']]) expect(run.journal).not.toContain(String(value));
      expect(succeeded(run.events)).toEqual([
        'backup',
        'generate',
        'rotate',
        'sync',
        'restart',
        'new-key-accepted',
        'old-key-refused',
      ]);
    } finally {
      await run.close();
    }
  });

  it('rolls back when the service refuses the new key: Vault holds the old key again and the service accepts it', async () => {
    // The fault: the service keeps refusing the new key (as if it cached the old one) until the
    // check has failed; then it is the real service again, so the rollback's own check is real.
    let faulty = true;
    const run = await runInSandbox('api-key', {
      inputs: fast,
      prepare: (w) => {
        const real: HttpPort = w.ports.http;
        w.ports.http = {
          request: async (r) =>
            faulty && r.url.endsWith('/v1/health')
              ? { status: 401, headers: {}, body: '{"error":"invalid API key"}' }
              : real.request(r),
        };
      },
      onEvent: (e) => {
        if (e.type === 'step-failed' && e.stepId === 'new-key-accepted' && !e.willRetry) faulty = false;
      },
    });
    try {
      expect(run.failures.at(-1), run.failures.join('\n')).toMatch(
        /^new-key-accepted: .*answered 401, expected 200/,
      );
      expect(run.outcome).toMatchObject({ status: 'rolled-back', exitCode: 1 });
      const { vault, kube } = run.world.sandbox;
      const v1 = vault.kvRead(PATH, { version: 1 })!.data;
      const now = vault.kvRead(PATH)!;
      expect(now.version).toBe(3); // restored as a new version
      expect(now.data).toEqual(v1);
      const secret = kube.get(
        'Secret',
        'harmonyflow-production',
        'session-state-service-secrets',
      ) as unknown as { data: Record<string, string> };
      expect(Buffer.from(secret.data['api-key'], 'base64').toString()).toBe(v1['api-key']);
      expect(succeeded(run.events)).toEqual(expect.arrayContaining(['resync', 'restart-again']));
      const url = run.world.env.ROTOR_SERVICE_URL;
      expect(await healthSettles(url, String(v1['api-key']), 200)).toBe(200);
      expect(await health(url, String(vault.kvRead(PATH, { version: 2 })!.data['api-key']))).toBe(401);
    } finally {
      await run.close();
    }
  });
});
