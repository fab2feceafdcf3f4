// Kubernetes conformance, pods and workloads: the kubelet's and the controllers' answers, each
// fixture citing where kubernetes/kubernetes writes them.
import { request } from 'node:https';
import { describe, expect } from 'vitest';
import { api, eventually } from '../support/kube.js';
import { K8S, fixture } from './fixture.js';
import { NS, SECRETS, secret, useKube } from './harness.js';

// A tenth of real time: a container stops in 200 ms, long enough to see it Terminating.
const kube = useKube(0.1);

describe('pods', () => {
  fixture(
    'DELETE leaves the pod Terminating (deletionTimestamp, deletionGracePeriodSeconds) until the kubelet removes it',
    `${K8S}:staging/src/k8s.io/apiserver/pkg/registry/rest/delete.go (BeforeDelete) and pkg/kubelet/status/status_manager.go (canBeDeleted)`,
    async () => {
      const pod = kube()
        .list('Pod', NS)
        .find((p) => p.metadata.labels?.app === 'session-state-service')!;
      const res = await api(kube(), `/api/v1/namespaces/${NS}/pods/${pod.metadata.name}`, {
        method: 'DELETE',
      });
      expect(res.status).toBe(200);
      expect(res.body.metadata.deletionGracePeriodSeconds).toBe(30);
      expect(Date.parse(res.body.metadata.deletionTimestamp)).toBeGreaterThan(Date.now() + 25_000);
      expect(kube().get('Pod', NS, pod.metadata.name)?.metadata.deletionTimestamp).toBeDefined();
      const events = await api(
        kube(),
        `/api/v1/namespaces/${NS}/events?fieldSelector=${encodeURIComponent(`involvedObject.name=${pod.metadata.name},reason=Killing`)}`,
      );
      expect(events.body.items[0]).toMatchObject({
        type: 'Normal',
        message: 'Stopping container session-state-service',
        source: { component: 'kubelet' },
      });
      await eventually('the pod to be gone', () => !kube().get('Pod', NS, pod.metadata.name));
      // The ReplicaSet's replacement came while the old pod was still terminating.
      await eventually(
        'three ready pods again',
        () => (kube().get('Deployment', NS, 'session-state-service')?.status as any)?.readyReplicas === 3,
      );
    },
  );

  fixture(
    'gracePeriodSeconds=0 removes the pod at once',
    `${K8S}:staging/src/k8s.io/apiserver/pkg/registry/generic/registry/store.go (Delete: graceful == false)`,
    async () => {
      const pod = kube()
        .list('Pod', NS)
        .find((p) => p.metadata.labels?.app === 'session-state-service' && !p.metadata.deletionTimestamp)!;
      const res = await api(
        kube(),
        `/api/v1/namespaces/${NS}/pods/${pod.metadata.name}?gracePeriodSeconds=0`,
        {
          method: 'DELETE',
        },
      );
      expect(res.status).toBe(200);
      expect(kube().get('Pod', NS, pod.metadata.name)).toBeUndefined();
    },
  );
});

/** The events of a watch that replays from a resourceVersion and ends after timeoutSeconds. */
function watchLines(path: string): Promise<Array<{ type: string; object: any }>> {
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, kube().url),
      { ca: kube().caPem, headers: { authorization: `Bearer ${kube().token}` } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (text += c));
        res.on('end', () =>
          resolve(
            text
              .split('\n')
              .filter(Boolean)
              .map((l) => JSON.parse(l)),
          ),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('watch', () => {
  fixture(
    'a label-selected watch sends ADDED when an object enters the selector and DELETED (its last matching state) when it leaves',
    `${K8S}:staging/src/k8s.io/apiserver/pkg/storage/cacher/cache_watcher.go (convertToWatchEvent)`,
    async () => {
      const created = await api(kube(), SECRETS, {
        method: 'POST',
        body: secret('watched', { a: '1' }, {}),
      });
      const from = created.body.metadata.resourceVersion;
      const label = (tier: string) =>
        api(kube(), `${SECRETS}/watched`, {
          method: 'PATCH',
          contentType: 'application/merge-patch+json',
          body: { metadata: { labels: { tier } } },
        });
      await label('a');
      const left = await label('b');
      await label('a');
      await api(kube(), `${SECRETS}/watched`, {
        method: 'PATCH',
        contentType: 'application/merge-patch+json',
        body: { data: { a: Buffer.from('2').toString('base64') } },
      });
      await api(kube(), `${SECRETS}/watched`, { method: 'DELETE' });
      const events = await watchLines(
        `${SECRETS}?watch=1&labelSelector=tier%3Da&resourceVersion=${from}&timeoutSeconds=1`,
      );
      expect(events.map((e) => e.type)).toEqual(['ADDED', 'DELETED', 'ADDED', 'MODIFIED', 'DELETED']);
      expect(events[1].object.metadata.labels.tier).toBe('a');
      expect(events[1].object.metadata.resourceVersion).toBe(left.body.metadata.resourceVersion);
    },
  );
});

describe('scale subresource', () => {
  fixture(
    'GET/PATCH deployments/scale answer autoscaling/v1 Scale and set spec.replicas',
    `${K8S}:pkg/registry/apps/deployment/storage/storage.go (ScaleREST) and https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/deployment-v1/#get-read-scale-of-the-specified-deployment`,
    async () => {
      const path = `/apis/apps/v1/namespaces/${NS}/deployments/session-state-service/scale`;
      const scale = await api(kube(), path);
      expect(scale.status).toBe(200);
      expect(scale.body).toMatchObject({
        kind: 'Scale',
        apiVersion: 'autoscaling/v1',
        spec: { replicas: 3 },
        status: { selector: 'app=session-state-service' },
      });
      const patched = await api(kube(), path, {
        method: 'PATCH',
        contentType: 'application/merge-patch+json',
        body: { spec: { replicas: 2 } },
      });
      expect(patched.body.spec.replicas).toBe(2);
      expect((kube().get('Deployment', NS, 'session-state-service')!.spec as any).replicas).toBe(2);
      const negative = await api(kube(), path, {
        method: 'PATCH',
        contentType: 'application/merge-patch+json',
        body: { spec: { replicas: -1 } },
      });
      expect(negative.status).toBe(422);
      await api(kube(), path, {
        method: 'PATCH',
        contentType: 'application/merge-patch+json',
        body: { spec: { replicas: 3 } },
      });
    },
  );
});

describe('Deployments own ReplicaSets', () => {
  fixture(
    'each template has a ReplicaSet <deployment>-<pod-template-hash> controlled by the Deployment, with the revision annotation, and its pods point at it',
    `${K8S}:pkg/controller/deployment/sync.go (getNewReplicaSet) and pkg/controller/deployment/util/deployment_util.go (RevisionAnnotation)`,
    async () => {
      const d = kube().get('Deployment', NS, 'session-state-service')!;
      const sets = kube()
        .list('ReplicaSet', NS)
        .filter((rs) => rs.metadata.ownerReferences?.[0]?.uid === d.metadata.uid);
      expect(sets.length).toBeGreaterThan(0);
      const current = sets.find((rs) => (rs.spec as any).replicas > 0)!;
      const hash = current.metadata.labels!['pod-template-hash'];
      expect(current.metadata.name).toBe(`session-state-service-${hash}`);
      expect(current.metadata.ownerReferences![0]).toMatchObject({ kind: 'Deployment', controller: true });
      expect(d.metadata.annotations!['deployment.kubernetes.io/revision']).toBe(
        current.metadata.annotations!['deployment.kubernetes.io/revision'],
      );
      const pods = kube()
        .list('Pod', NS)
        .filter((p) => p.metadata.labels?.['pod-template-hash'] === hash && !p.metadata.deletionTimestamp);
      expect(pods.length).toBeGreaterThan(0);
      for (const pod of pods)
        expect(pod.metadata.ownerReferences![0]).toMatchObject({
          kind: 'ReplicaSet',
          uid: current.metadata.uid,
        });
    },
  );
});

describe('minReadySeconds', () => {
  fixture(
    'a ready pod counts as available only after minReadySeconds (on the emulator clock)',
    `${K8S}:pkg/controller/deployment/util/deployment_util.go (GetAvailableReplicaCountForReplicaSets) and staging/src/k8s.io/api/apps/v1/types.go (DeploymentSpec.MinReadySeconds)`,
    async () => {
      const body = {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'slow-ready' },
        spec: {
          replicas: 1,
          // 3 s at this file's tenth-speed clock: 300 ms.
          minReadySeconds: 3,
          selector: { matchLabels: { app: 'slow-ready' } },
          template: {
            metadata: { labels: { app: 'slow-ready' } },
            spec: { containers: [{ name: 'app', image: 'busybox:1.36' }] },
          },
        },
      };
      expect(
        (await api(kube(), `/apis/apps/v1/namespaces/${NS}/deployments`, { method: 'POST', body })).status,
      ).toBe(201);
      const status = () => (kube().get('Deployment', NS, 'slow-ready')?.status ?? {}) as any;
      const early = await eventually('the pod to be ready', () =>
        status().readyReplicas === 1 ? status() : undefined,
      );
      expect(early.availableReplicas).toBeUndefined();
      expect(early.conditions.find((c: any) => c.type === 'Available').status).toBe('False');
      await eventually('the pod to count as available', () => status().availableReplicas === 1);
    },
  );
});
