import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeEmulator } from '../src/sandbox/kubernetes/index.js';
import { eventually, guideVault, startTestKube } from './support/kube.js';
import { hasKubectl, kubectlFor } from './support/kubectl.js';

const NS = 'harmonyflow-production';
const APP = 'session-state-service';

/** Operator scripts with the machine's kubectl: what a trainee types against the sandbox. */
describe.skipIf(!hasKubectl)(
  'kubectl scripts against the emulator (skipped only without /usr/bin/kubectl)',
  () => {
    let kube: KubeEmulator;
    let home: string;
    const kubectl = kubectlFor(
      () => kube,
      () => home,
    );

    beforeAll(async () => {
      home = mkdtempSync(join(tmpdir(), 'rotor-kubectl-home-'));
      // Real time for the kubelet: a container takes 2 s to stop, so kubectl on a loaded machine
      // still sees the pod Terminating. Nothing else here waits for a pod to go.
      kube = await startTestKube(guideVault(), { readinessDelayMs: 30, timeScale: 1 });
      await eventually(
        'the app to be ready',
        () => (kube.get('Deployment', NS, APP)?.status as any)?.availableReplicas === 3,
      );
    });
    afterAll(async () => {
      await kube.close();
      rmSync(home, { recursive: true, force: true });
    });

    it('create secret generic (sent as protobuf) stores the values base64-encoded', async () => {
      const res = await kubectl(
        'create',
        'secret',
        'generic',
        'probe',
        '-n',
        NS,
        '--from-literal=user=alice',
        '--from-literal=pass=s3 cr#t',
      );
      expect(res).toMatchObject({ code: 0, out: 'secret/probe created\n' });
      const stored = kube.get('Secret', NS, 'probe')!;
      expect(stored.type).toBe('Opaque');
      expect(Buffer.from((stored.data as any).pass, 'base64').toString()).toBe('s3 cr#t');
      const again = await kubectl(
        'create',
        'secret',
        'generic',
        'probe',
        '-n',
        NS,
        '--from-literal=user=bob',
      );
      expect(again.code).toBe(1);
      expect(again.err).toContain('secrets "probe" already exists');
    });

    it('scale: the scale subresource changes replicas and the controller follows', async () => {
      const res = await kubectl('scale', `deployment/${APP}`, '-n', NS, '--replicas=2');
      expect(res).toMatchObject({ code: 0, out: `deployment.apps/${APP} scaled\n` });
      await eventually('two ready replicas', () => {
        const status = kube.get('Deployment', NS, APP)?.status as any;
        return status?.replicas === 2 && status.readyReplicas === 2;
      });
      expect((await kubectl('scale', `deployment/${APP}`, '-n', NS, '--replicas=3')).code).toBe(0);
      await eventually(
        'three ready replicas again',
        () => (kube.get('Deployment', NS, APP)?.status as any)?.readyReplicas === 3,
      );
    });

    it('delete pod: it shows Terminating (deletionTimestamp) and kubectl wait sees it go', async () => {
      const pod = kube
        .list('Pod', NS)
        .find((p) => p.metadata.labels?.app === APP && !p.metadata.deletionTimestamp)!;
      const name = pod.metadata.name;
      const del = await kubectl('delete', 'pod', name, '-n', NS, '--wait=false');
      expect(del).toMatchObject({ code: 0, out: `pod "${name}" deleted\n` });
      expect(kube.get('Pod', NS, name)?.metadata.deletionGracePeriodSeconds).toBe(30);
      const table = await kubectl('get', 'pod', name, '-n', NS, '--no-headers');
      expect(table.out).toMatch(new RegExp(`^${name}\\s+\\d/1\\s+Terminating\\s+0\\s+\\S+\\n$`));
      const wait = await kubectl('wait', '--for=delete', `pod/${name}`, '-n', NS, '--timeout=20s');
      expect(wait.code).toBe(0);
      expect((await kubectl('get', 'pod', name, '-n', NS)).err).toContain(`pods "${name}" not found`);
    });

    it('describe and get events: the ExternalSecret’s and the pods’ Events', async () => {
      const describe = await kubectl('describe', 'externalsecret', 'session-state-service-jwt', '-n', NS);
      expect(describe.code).toBe(0);
      expect(describe.out).toMatch(/Events:\n\s+Type\s+Reason\s+Age\s+From\s+Message/);
      expect(describe.out).toMatch(/Normal\s+Created\s+\S+\s+external-secrets\s+secret created/);
      const pod = kube.list('Pod', NS).find((p) => p.metadata.labels?.app === APP)!;
      const describePod = await kubectl('describe', 'pod', pod.metadata.name, '-n', NS);
      expect(describePod.out).toMatch(
        /Normal\s+Started\s+\S+\s+kubelet\s+Started container session-state-service/,
      );
      const events = await kubectl(
        'get',
        'events',
        '-n',
        NS,
        '--field-selector',
        'reason=Killing',
        '-o',
        'jsonpath={range .items[*]}{.involvedObject.kind}/{.message}{"\\n"}{end}',
      );
      expect(events.code).toBe(0);
      expect(events.out).toContain('Pod/Stopping container session-state-service');
    });

    it('apply -f with validation on (OpenAPI) creates and then configures', async () => {
      const file = join(home, 'secret.yaml');
      writeFileSync(
        file,
        [
          'apiVersion: v1',
          'kind: Secret',
          'metadata:',
          '  name: applied',
          `  namespace: ${NS}`,
          'stringData:',
          '  k: v1',
          '',
        ].join('\n'),
      );
      expect(await kubectl('apply', '-f', file)).toMatchObject({ code: 0, out: 'secret/applied created\n' });
      writeFileSync(
        file,
        [
          'apiVersion: v1',
          'kind: Secret',
          'metadata:',
          '  name: applied',
          `  namespace: ${NS}`,
          'stringData:',
          '  k: v2',
          '',
        ].join('\n'),
      );
      expect(await kubectl('apply', '-f', file)).toMatchObject({
        code: 0,
        out: 'secret/applied configured\n',
      });
      expect(Buffer.from((kube.get('Secret', NS, 'applied')!.data as any).k, 'base64').toString()).toBe('v2');
      writeFileSync(
        file,
        [
          'apiVersion: v1',
          'kind: Secret',
          'metadata:',
          '  name: applied',
          `  namespace: ${NS}`,
          'stringDta:',
          '  k: v3',
          '',
        ].join('\n'),
      );
      const strict = await kubectl('apply', '-f', file);
      expect(strict.code).toBe(1);
      expect(strict.err).toMatch(/unknown field "stringDta"/);
    });

    it('apply --server-side creates and then updates', async () => {
      const file = join(home, 'ssa.yaml');
      const manifest = (v: string) =>
        [
          'apiVersion: v1',
          'kind: Secret',
          'metadata:',
          '  name: ssa',
          `  namespace: ${NS}`,
          'stringData:',
          `  k: ${v}`,
          '',
        ].join('\n');
      writeFileSync(file, manifest('v1'));
      expect(await kubectl('apply', '--server-side', '-f', file)).toMatchObject({
        code: 0,
        out: 'secret/ssa serverside-applied\n',
      });
      writeFileSync(file, manifest('v2'));
      expect((await kubectl('apply', '--server-side', '-f', file)).code).toBe(0);
      expect(Buffer.from((kube.get('Secret', NS, 'ssa')!.data as any).k, 'base64').toString()).toBe('v2');
    });

    it('rollout history and rollout undo: Deployments own ReplicaSets with revisions', async () => {
      const history = await kubectl('rollout', 'history', `deployment/${APP}`, '-n', NS);
      expect(history.code).toBe(0);
      const revisions = (out: string) =>
        out
          .split('\n')
          .filter((l) => /^\d+\s/.test(l))
          .map((l) => Number(l.split(/\s+/)[0]));
      const before = revisions(history.out);
      expect(before.length).toBeGreaterThan(0);
      const image = 'harmonyflow/session-state-service:1.4.3';
      expect((await kubectl('set', 'image', `deployment/${APP}`, `${APP}=${image}`, '-n', NS)).code).toBe(0);
      expect((await kubectl('rollout', 'status', `deployment/${APP}`, '-n', NS, '--timeout=20s')).code).toBe(
        0,
      );
      const after = revisions((await kubectl('rollout', 'history', `deployment/${APP}`, '-n', NS)).out);
      expect(after).toEqual([...before, Math.max(...before) + 1]);
      const undo = await kubectl('rollout', 'undo', `deployment/${APP}`, '-n', NS);
      expect(undo).toMatchObject({ code: 0, out: `deployment.apps/${APP} rolled back\n` });
      expect((await kubectl('rollout', 'status', `deployment/${APP}`, '-n', NS, '--timeout=20s')).code).toBe(
        0,
      );
      const image2 = await kubectl(
        'get',
        'deployment',
        APP,
        '-n',
        NS,
        '-o',
        'jsonpath={.spec.template.spec.containers[0].image}',
      );
      expect(image2.out).toBe('harmonyflow/session-state-service:1.4.2');
      // The old template's ReplicaSet came back as the newest revision, as the deployment controller does.
      const last = revisions((await kubectl('rollout', 'history', `deployment/${APP}`, '-n', NS)).out);
      expect(Math.max(...last)).toBe(Math.max(...after) + 1);
      expect(last).not.toContain(Math.max(...before));
    });
  },
);
