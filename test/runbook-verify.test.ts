import { describe, expect, it } from 'vitest';
import { runInSandbox, succeeded } from './support/sandbox-run.js';

const NS = 'harmonyflow-production';

describe('runbook verify in the sandbox', () => {
  it('passes every check in a fresh sandbox and changes nothing', async () => {
    const run = await runInSandbox('verify', { inputs: { expect_version: '1' } });
    try {
      expect(run.failures).toEqual([]);
      expect(run.outcome).toEqual({ status: 'succeeded', exitCode: 0 });
      expect(succeeded(run.events)).toEqual(
        expect.arrayContaining([
          'vault-health',
          'vault-secret',
          'vault-version',
          'k8s-secret',
          'external-secret',
          'pods',
          'pod-logs',
          'health',
          'login',
          'postgres',
          'redis',
          'rabbitmq',
        ]),
      );
      expect(succeeded(run.events).filter((id) => id.startsWith('redis-node#'))).toHaveLength(6);
      const { vault } = run.world.sandbox;
      for (const path of [
        'harmonyflow/session-state-service',
        'harmonyflow/postgresql',
        'harmonyflow/redis',
        'harmonyflow/rabbitmq',
      ]) {
        expect(vault.kvRead(path)!.version).toBe(1);
        const data = vault.kvRead(path)!.data;
        for (const [field, value] of Object.entries(data))
          if (/password|secret|key/.test(field)) expect(run.journal).not.toContain(String(value));
      }
    } finally {
      await run.close();
    }
  });

  it('an error line in a pod log is a failure indicator: exit 1, naming the check and suggesting a rollback', async () => {
    const run = await runInSandbox('verify', {
      prepare: (w) => {
        const pod = w.sandbox.kube
          .list('Pod', NS)
          .find((p) => p.metadata.labels?.app === 'session-state-service')!;
        w.sandbox.kube.appendPodLog(
          NS,
          pod.metadata.name,
          'ERROR redis: WRONGPASS invalid username-password pair',
        );
      },
    });
    try {
      expect(run.outcome).toMatchObject({ status: 'failed', exitCode: 1 });
      expect(run.failures).toHaveLength(1);
      expect(run.failures[0]).toMatch(/^pod-logs: 1 log line\(s\) in 3 pod\(s\) match .*WRONGPASS/);
      expect(run.failures[0]).toMatch(/→ a failure indicator: consider rolling back/);
      // It stopped at the indicator: the checks after it did not run.
      expect(succeeded(run.events)).toEqual([
        'vault-health',
        'vault-secret',
        'k8s-secret',
        'external-secret',
        'pods',
      ]);
    } finally {
      await run.close();
    }
  });

  it("a Secret synced before Vault's current version fails the ExternalSecret check", async () => {
    const run = await runInSandbox('verify', {
      // A rotation wrote Vault, but nobody synced: the cluster still holds version 1.
      prepare: async (w) => {
        // Refresh times have whole seconds: write in the next second so the gap shows.
        await new Promise((r) => setTimeout(r, 1010 - (Date.now() % 1000)));
        const { vault } = w.sandbox;
        vault.kvWrite('harmonyflow/session-state-service', {
          ...vault.kvRead('harmonyflow/session-state-service')!.data,
          'api-key': 'f'.repeat(64),
        });
      },
    });
    try {
      expect(run.outcome).toMatchObject({ status: 'failed', exitCode: 1 });
      expect(run.failures).toEqual([
        expect.stringMatching(
          /^external-secret: ExternalSecret harmonyflow-production\/session-state-service-jwt last refreshed at .* before Vault's current version[\s\S]*consider rolling back/,
        ),
      ]);
    } finally {
      await run.close();
    }
  });
});
