import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeEmulator } from '../src/sandbox/kubernetes/index.js';
import { eventually, guideVault, startTestKube } from './support/kube.js';

const KUBECTL = '/usr/bin/kubectl';
const NS = 'harmonyflow-production';

/** A stock kubectl, as a new user runs it with the KUBECONFIG line the sandbox prints. */
describe.skipIf(!existsSync(KUBECTL))(
  'kubectl against the emulator (skipped only when /usr/bin/kubectl is not installed)',
  () => {
    let kube: KubeEmulator;
    let home: string;
    const kubectl = (...args: string[]) =>
      new Promise<{ code: number; out: string; err: string }>((resolve) => {
        execFile(
          KUBECTL,
          args,
          { env: { PATH: process.env.PATH, HOME: home, KUBECONFIG: kube.kubeconfigPath }, timeout: 25_000 },
          (error, out, err) =>
            resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, out, err }),
        );
      });

    beforeAll(async () => {
      home = mkdtempSync(join(tmpdir(), 'rotor-kubectl-home-'));
      kube = await startTestKube(guideVault(), { readinessDelayMs: 30 });
      await eventually(
        'the seeded app to be ready',
        () => (kube.get('Deployment', NS, 'session-state-service')?.status as any)?.availableReplicas === 3,
      );
    });
    afterAll(async () => {
      await kube.close();
      rmSync(home, { recursive: true, force: true });
    });

    it('get: deployments, pods, and the ExternalSecret with its status', async () => {
      const deployments = await kubectl('get', 'deployments', '-n', NS, '-o', 'name');
      expect(deployments).toMatchObject({ code: 0, out: 'deployment.apps/session-state-service\n' });
      const pods = await kubectl(
        'get',
        'pods',
        '-n',
        NS,
        '-l',
        'app=session-state-service',
        '-o',
        'jsonpath={.items[*].status.phase}',
      );
      expect(pods.out.split(' ')).toEqual(['Running', 'Running', 'Running']);
      const es = await kubectl(
        'get',
        'externalsecret',
        'session-state-service-jwt',
        '-o',
        'jsonpath={.status.conditions[0].reason}',
      );
      expect(es).toMatchObject({ code: 0, out: 'SecretSynced' });
      const missing = await kubectl('get', 'deployment', 'nope', '-n', NS);
      expect(missing.code).toBe(1);
      expect(missing.err).toContain('deployments.apps "nope" not found');
    });

    it('annotate: force-sync makes External Secrets refresh', async () => {
      const before = (kube.get('ExternalSecret', NS, 'session-state-service-jwt')!.status as any)
        .syncedResourceVersion;
      const res = await kubectl(
        'annotate',
        'externalsecret',
        'session-state-service-jwt',
        '-n',
        NS,
        `force-sync=${Math.floor(Date.now() / 1000)}`,
        '--overwrite',
      );
      expect(res).toMatchObject({
        code: 0,
        out: 'externalsecret.external-secrets.io/session-state-service-jwt annotated\n',
      });
      await eventually(
        'a new sync',
        () =>
          (kube.get('ExternalSecret', NS, 'session-state-service-jwt')!.status as any)
            .syncedResourceVersion !== before,
      );
    });

    it('rollout restart and rollout status: a Deployment and a StatefulSet', async () => {
      const restart = await kubectl('rollout', 'restart', 'deployment/session-state-service', '-n', NS);
      expect(restart).toMatchObject({ code: 0, out: 'deployment.apps/session-state-service restarted\n' });
      const status = await kubectl(
        'rollout',
        'status',
        'deployment/session-state-service',
        '-n',
        NS,
        '--timeout=20s',
      );
      expect(status.code).toBe(0);
      expect(status.out).toContain('deployment "session-state-service" successfully rolled out');
      const annotations = (kube.get('Deployment', NS, 'session-state-service')!.spec as any).template.metadata
        .annotations;
      expect(annotations['kubectl.kubernetes.io/restartedAt']).toMatch(/^\d{4}-\d\d-\d\dT/);
      expect(
        (await kubectl('rollout', 'restart', 'statefulset/rabbitmq-server', '-n', 'rabbitmq-production'))
          .code,
      ).toBe(0);
      const sts = await kubectl(
        'rollout',
        'status',
        'statefulset/rabbitmq-server',
        '-n',
        'rabbitmq-production',
        '--timeout=20s',
      );
      expect(sts.code).toBe(0);
      // partition defaults to 0, so kubectl reports the partitioned form, as against a real cluster.
      expect(sts.out).toMatch(/partitioned roll out complete: 1 new pods have been updated/);
    });

    it('rollout status of a stuck rollout times out while the old pods keep running', async () => {
      const stop = kube.injectFailure({
        kind: 'pod',
        namespace: NS,
        workload: 'session-state-service',
        message: 'jwt: signing key is empty',
      });
      try {
        // kubectl stamps restartedAt to the second: a restart in the same second as the previous
        // test's would patch nothing and be refused, against a real cluster too.
        await new Promise((r) => setTimeout(r, 1050 - (Date.now() % 1000)));
        expect((await kubectl('rollout', 'restart', 'deployment/session-state-service', '-n', NS)).code).toBe(
          0,
        );
        const status = await kubectl(
          'rollout',
          'status',
          'deployment/session-state-service',
          '-n',
          NS,
          '--timeout=2s',
        );
        expect(status.code).not.toBe(0);
        expect(status.out).toContain('1 out of 3 new replicas have been updated');
        const phases = await kubectl(
          'get',
          'pods',
          '-n',
          NS,
          '-o',
          'jsonpath={range .items[*]}{.status.containerStatuses[0].state.waiting.reason}{","}{end}',
        );
        expect(phases.out.split(',').filter(Boolean)).toEqual(['CrashLoopBackOff']);
      } finally {
        stop();
      }
    });
  },
);
