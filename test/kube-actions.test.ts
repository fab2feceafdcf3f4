import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKubePort } from '../src/adapters/kubernetes.js';
import { forceSync } from '../src/actions/kubernetes/force-sync.js';
import { rolloutRestart } from '../src/actions/kubernetes/rollout-restart.js';
import { restartAll } from '../src/actions/kubernetes/restart-all.js';
import { secretHash } from '../src/actions/kubernetes/secret-hash.js';
import { podLogs } from '../src/actions/kubernetes/pod-logs.js';
import { annotatePods } from '../src/actions/kubernetes/annotate-pods.js';
import { applyCronJob } from '../src/actions/kubernetes/apply-cronjob.js';
import type { KubePort } from '../src/ports/kubernetes-port.js';
import type { KubeEmulator } from '../src/sandbox/kubernetes/index.js';
import { SessionKey } from '../src/engine/session-key.js';
import { RotorError } from '../src/errors.js';
import { testContext } from './support/action-context.js';
import { eventually, guideVault, startTestKube, type FakeVault } from './support/kube.js';

const NS = 'harmonyflow-production';
const fast = { poll_ms: 20 };
// One session's key for the file, so hashes from different steps compare.
const key = SessionKey.random();

describe('kubernetes actions through @kubernetes/client-node against the emulator', () => {
  let kube: KubeEmulator;
  let vault: FakeVault;
  let port: KubePort;
  beforeAll(async () => {
    vault = guideVault();
    kube = await startTestKube(vault);
    port = createKubePort({ kubeconfig: kube.kubeconfigPath });
    await eventually(
      'the seeded app to be ready',
      () => (kube.get('Deployment', NS, 'session-state-service')?.status as any)?.availableReplicas === 3,
    );
  });
  afterAll(() => kube.close());
  const run = <P>(
    action: { params: { parse(x: unknown): P }; run(p: P, ctx: any): Promise<any> },
    params: unknown,
    ctx = testContext({ kube: port }, { key }),
  ) => action.run(action.params.parse(params), ctx);

  it("force-sync: the Secret takes Vault's new value, seen by hash only", async () => {
    const before = await run(secretHash, {
      namespace: NS,
      name: 'session-state-service-secrets',
      expect_keys: ['jwt-secret'],
    });
    vault.write('harmonyflow/session-state-service', {
      'jwt-secret': 'j2',
      'jwt-refresh-secret': 'r2',
      'api-key': 'k1',
      'encryption-key': 'e1',
    });
    const ctx = testContext({ kube: port }, { key });
    const out = await run(
      forceSync,
      { namespace: NS, name: 'session-state-service-jwt', timeout_seconds: 10, ...fast },
      ctx,
    );
    expect(out.changed).toBe(true);
    expect(out.previous_hash).toBe(before.hash);
    const after = await run(secretHash, { namespace: NS, name: 'session-state-service-secrets' });
    expect(out.data_hash).toBe(after.hash);
    expect(after.hash).not.toBe(before.hash);
    const stored = kube.get('Secret', NS, 'session-state-service-secrets')!;
    expect(Buffer.from((stored.data as any)['jwt-secret'], 'base64').toString()).toBe('j2');
    expect(JSON.stringify({ out, logs: ctx.record.logs })).not.toMatch(/j2|r2/);
  });

  it('force-sync: fails when Vault did not change, and an ExternalSecret that never syncs fails with what it last saw', async () => {
    await expect(
      run(forceSync, { namespace: NS, name: 'session-state-service-redis', timeout_seconds: 10, ...fast }),
    ).rejects.toThrow(/holds the same data as before/);
    const stop = kube.injectFailure({
      kind: 'external-secret',
      namespace: NS,
      name: 'session-state-service-admin',
    });
    try {
      const error = await run(forceSync, {
        namespace: NS,
        name: 'session-state-service-admin',
        timeout_seconds: 0.3,
        ...fast,
      }).catch((e) => e);
      expect(error).toBeInstanceOf(RotorError);
      expect(error.message).toMatch(
        /did not sync within 0.3s .*last seen: refreshTime \S+Z, Ready True SecretSynced: secret synced, Secret session-state-service-admin data hmac:[0-9a-f]{12}/,
      );
    } finally {
      stop();
    }
    vault.secrets.delete('harmonyflow/rabbitmq');
    const missing = await run(forceSync, {
      namespace: NS,
      name: 'session-state-service-rabbitmq',
      timeout_seconds: 0.5,
      ...fast,
    }).catch((e) => e);
    expect(missing.message).toMatch(
      /Ready False SecretSyncedError: could not get secret data from provider, Secret .*; last Warning UpdateFailed: error retrieving secret at \.dataFrom\[0\], key: harmonyflow\/rabbitmq, err: Secret does not exist$/,
    );
  });

  it('rollout-restart: patches restartedAt as kubectl does and follows the rollout to the end', async () => {
    const ctx = testContext({ kube: port }, { key });
    const oldPods = kube.list('Pod', NS).map((p) => p.metadata.name);
    const out = await run(
      rolloutRestart,
      { namespace: NS, name: 'session-state-service', timeout_seconds: 20, ...fast },
      ctx,
    );
    const d = kube.get('Deployment', NS, 'session-state-service')!;
    expect((d.spec as any).template.metadata.annotations['kubectl.kubernetes.io/restartedAt']).toBe(
      out.restarted_at,
    );
    // Done as kubectl says it: three new pods serve; old ones may still be Terminating (their grace
    // period), as on a real cluster, and are gone once the kubelet has stopped them.
    const serving = kube.list('Pod', NS).filter((p) => !(p.metadata as any).deletionTimestamp);
    expect(serving).toHaveLength(3);
    expect(serving.some((p) => oldPods.includes(p.metadata.name))).toBe(false);
    await eventually('the old pods to finish terminating', () => kube.list('Pod', NS).length === 3);
    expect(ctx.record.progress.at(-1)).toMatchObject({ done: 3, total: 3 });
    expect(ctx.record.progress.some((p) => p.done < 3)).toBe(true);
  });

  it('rollout-restart: a stuck rollout fails naming the pod and its reason, the old pods keep serving', async () => {
    const stop = kube.injectFailure({
      kind: 'pod',
      namespace: NS,
      workload: 'session-state-service',
      message: 'jwt: signing key is empty',
      logs: ['ERROR jwt: signing key is empty'],
    });
    try {
      const oldPods = kube.list('Pod', NS).map((p) => p.metadata.name);
      const error = await run(rolloutRestart, {
        namespace: NS,
        name: 'session-state-service',
        timeout_seconds: 0.5,
        ...fast,
      }).catch((e) => e);
      expect(error.message).toMatch(
        /Deployment harmonyflow-production\/session-state-service: the rollout did not finish within 1s .*; pod session-state-service-\S+ is CrashLoopBackOff: jwt: signing key is empty/,
      );
      const pods = kube.list('Pod', NS);
      expect(
        oldPods.every((name) =>
          pods.some((p) => p.metadata.name === name && (p.status as any).phase === 'Running'),
        ),
      ).toBe(true);
      await expect(
        run(podLogs, {
          namespace: NS,
          selector: 'app=session-state-service',
          error_pattern: 'error',
          tail: 50,
        }),
      ).rejects.toThrow(/match \/error\/; first: session-state-service-\S+: .*ERROR jwt/);
    } finally {
      stop();
    }
    // Once the cause is fixed, running the step again completes the rollout.
    await run(rolloutRestart, { namespace: NS, name: 'session-state-service', timeout_seconds: 20, ...fast });
    expect(kube.list('Pod', NS).every((p) => (p.status as any).phase === 'Running')).toBe(true);
  });

  it('rollout-restart refuses a paused Deployment; restart-all restarts every workload of a namespace', async () => {
    kube.create({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'paused-app', namespace: 'postgresql' },
      spec: {
        paused: true,
        replicas: 1,
        selector: { matchLabels: { app: 'p' } },
        template: { metadata: { labels: { app: 'p' } }, spec: { containers: [{ name: 'c', image: 'i' }] } },
      },
    });
    await expect(
      run(rolloutRestart, { namespace: 'postgresql', name: 'paused-app', ...fast }),
    ).rejects.toThrow(/is paused/);
    const ctx = testContext({ kube: port }, { key });
    const out = await run(
      restartAll,
      { namespaces: 'redis-production', concurrency: 2, timeout_seconds: 20, ...fast },
      ctx,
    );
    expect(out.restarted).toEqual(['StatefulSet redis-production/redis-cluster']);
    const sts = kube.get('StatefulSet', 'redis-production', 'redis-cluster')!;
    expect((sts.status as any).currentRevision).toBe((sts.status as any).updateRevision);
    expect(
      kube
        .list('Pod', 'redis-production')
        .every((p) => p.metadata.labels?.['controller-revision-hash'] === (sts.status as any).updateRevision),
    ).toBe(true);
  });

  it('pod-logs finds the expected line; annotate-pods marks every pod and undo removes the mark', async () => {
    const logs = await run(podLogs, {
      namespace: NS,
      selector: 'app=session-state-service',
      pattern: 'jwt',
      error_pattern: 'error',
    });
    expect(logs.matches).toBeGreaterThanOrEqual(3);
    const params = annotatePods.params.parse({ namespace: NS, annotations: { 'security-alert': 'true' } });
    const ctx = testContext({ kube: port }, { key });
    const out = await annotatePods.run(params, ctx);
    const marked = kube.list('Pod', NS).filter((p) => p.metadata.annotations?.['security-alert'] === 'true');
    expect(marked.map((p) => p.metadata.name).sort()).toEqual([...(out.pods as string[])].sort());
    await annotatePods.undo!(params, out, ctx);
    expect(kube.list('Pod', NS).some((p) => p.metadata.annotations?.['security-alert'])).toBe(false);
  });

  it('apply-cronjob creates, leaves an equal one alone, updates, and undoes', async () => {
    const manifest = (schedule: string) => ({
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'secret-rotation' },
      spec: {
        schedule,
        concurrencyPolicy: 'Forbid',
        jobTemplate: {
          spec: {
            template: {
              spec: {
                restartPolicy: 'OnFailure',
                containers: [{ name: 'rotate', image: 'rotor:latest', args: ['run', 'redis', '--yes'] }],
              },
            },
          },
        },
      },
    });
    const ctx = testContext({ kube: port }, { key });
    expect(
      (await run(applyCronJob, { namespace: 'vault', manifest: manifest('0 2 1 * *') }, ctx)).result,
    ).toBe('created');
    expect(
      (await run(applyCronJob, { namespace: 'vault', manifest: manifest('0 2 1 * *') }, ctx)).result,
    ).toBe('unchanged');
    const params = applyCronJob.params.parse({ namespace: 'vault', manifest: manifest('0 3 * * *') });
    const updated = await applyCronJob.run(params, ctx);
    expect(updated.result).toBe('updated');
    expect((kube.get('CronJob', 'vault', 'secret-rotation')!.spec as any).schedule).toBe('0 3 * * *');
    await applyCronJob.undo!(params, updated, ctx);
    expect((kube.get('CronJob', 'vault', 'secret-rotation')!.spec as any).schedule).toBe('0 2 1 * *');
    await expect(
      run(applyCronJob, {
        namespace: 'vault',
        manifest: { ...manifest('every day'), metadata: { name: 'bad' } },
      }),
    ).rejects.toThrow(/rejected CronJob vault\/bad: .*spec.schedule.*\(422\)/);
  });
});
