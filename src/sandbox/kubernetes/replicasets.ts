import type { EventRecorder } from './events.js';
import { isTerminating } from './pod-termination.js';
import type { KubeObject, ObjectStore } from './store.js';
import { isReady } from './workloads.js';

type Obj = Record<string, any>;

/** The annotations the deployment controller keeps on a Deployment and its ReplicaSets. */
export const REVISION = 'deployment.kubernetes.io/revision';
const DESIRED = 'deployment.kubernetes.io/desired-replicas';
const MAX = 'deployment.kubernetes.io/max-replicas';
const HASH = 'pod-template-hash';

/** A ReplicaSet belongs to the Deployment whose uid its controller reference names. */
export function replicaSetsOf(store: ObjectStore, d: KubeObject): KubeObject[] {
  return store
    .list('ReplicaSet', d.metadata.namespace)
    .filter((rs) => rs.metadata.ownerReferences?.some((r) => r.controller && r.uid === d.metadata.uid));
}

const revisionOf = (rs: KubeObject) => Number(rs.metadata.annotations?.[REVISION] ?? 0);

/**
 * The deployment controller's ReplicaSets: one per pod template the Deployment has had, named
 * `<deployment>-<pod-template-hash>`, each with the template (and its hash label) and a revision
 * annotation; the current template's ReplicaSet takes the next revision when it becomes current
 * (so an undo moves an old revision to the top, as `kubectl rollout history` shows). Its counts
 * follow the pods; revisionHistoryLimit bounds the old, empty ones. Returns the current one.
 */
export function syncReplicaSets(
  store: ObjectStore,
  events: EventRecorder,
  d: KubeObject,
  hash: string,
  pods: KubeObject[],
  maxSurge: number,
): KubeObject {
  const spec = d.spec as Obj;
  const name = `${d.metadata.name}-${hash}`;
  const owned = replicaSetsOf(store, d);
  const top = Math.max(0, ...owned.map(revisionOf));
  let current = owned.find((rs) => rs.metadata.name === name);
  const annotations = (revision: number) => ({
    ...(current?.metadata.annotations ?? {}),
    [REVISION]: String(revision),
    [DESIRED]: String(spec.replicas),
    [MAX]: String(spec.replicas + maxSurge),
  });
  if (!current) {
    const template = structuredClone(spec.template ?? {});
    template.metadata = {
      ...(template.metadata ?? {}),
      labels: { ...(template.metadata?.labels ?? {}), [HASH]: hash },
    };
    current = store.create(
      {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name,
          namespace: d.metadata.namespace,
          labels: { ...(spec.template?.metadata?.labels ?? {}), [HASH]: hash },
          annotations: annotations(top + 1),
          ownerReferences: [
            {
              apiVersion: 'apps/v1',
              kind: 'Deployment',
              name: d.metadata.name,
              uid: d.metadata.uid!,
              controller: true,
              blockOwnerDeletion: true,
            },
          ],
        },
        spec: {
          replicas: 0,
          minReadySeconds: spec.minReadySeconds ?? 0,
          selector: { matchLabels: { ...(spec.selector?.matchLabels ?? {}), [HASH]: hash } },
          template,
        },
      },
      { generation: true },
    );
  } else if (revisionOf(current) < top) {
    current = store.replace({
      ...current,
      metadata: { ...current.metadata, annotations: annotations(top + 1) },
    });
  }
  const revision = current.metadata.annotations![REVISION];
  if (d.metadata.annotations?.[REVISION] !== revision) {
    const fresh = store.get('Deployment', d.metadata.namespace, d.metadata.name);
    if (fresh)
      store.replace({
        ...fresh,
        metadata: {
          ...fresh.metadata,
          annotations: { ...(fresh.metadata.annotations ?? {}), [REVISION]: revision },
        },
      });
  }
  for (const rs of replicaSetsOf(store, d)) updateCounts(store, events, d, rs, pods);
  prune(store, d, hash);
  return current;
}

function updateCounts(
  store: ObjectStore,
  events: EventRecorder,
  d: KubeObject,
  rs: KubeObject,
  pods: KubeObject[],
): void {
  const hash = rs.metadata.labels?.[HASH];
  const mine = pods.filter((p) => p.metadata.labels?.[HASH] === hash && !isTerminating(p));
  const ready = mine.filter(isReady).length;
  const before = (rs.spec as Obj).replicas ?? 0;
  const count = (field: string, n: number) => (n > 0 ? { [field]: n } : {});
  const next = {
    ...rs,
    spec: { ...(rs.spec as Obj), replicas: mine.length },
    status: {
      replicas: mine.length,
      ...count('fullyLabeledReplicas', mine.length),
      ...count('readyReplicas', ready),
      ...count('availableReplicas', ready),
      observedGeneration: rs.metadata.generation ?? 1,
    },
  };
  if (JSON.stringify(next) === JSON.stringify(rs)) return;
  if (before !== mine.length) {
    next.metadata = { ...next.metadata, generation: (rs.metadata.generation ?? 1) + 1 };
    events.record(d, 'deployment-controller', {
      type: 'Normal',
      reason: 'ScalingReplicaSet',
      message: `Scaled ${mine.length > before ? 'up' : 'down'} replica set ${rs.metadata.name} from ${before} to ${mine.length}`,
    });
  }
  store.replace(next);
}

/** revisionHistoryLimit: the oldest empty ReplicaSets beyond it go. */
function prune(store: ObjectStore, d: KubeObject, hash: string): void {
  const limit = (d.spec as Obj).revisionHistoryLimit ?? 10;
  const old = replicaSetsOf(store, d)
    .filter((rs) => rs.metadata.labels?.[HASH] !== hash && ((rs.spec as Obj).replicas ?? 0) === 0)
    .sort((a, b) => revisionOf(a) - revisionOf(b));
  for (const rs of old.slice(0, Math.max(0, old.length - limit)))
    store.delete('ReplicaSet', rs.metadata.namespace, rs.metadata.name);
}

/** Deleting a Deployment removes its ReplicaSets (the garbage collector's background cascade). */
export function deleteReplicaSets(store: ObjectStore, d: KubeObject): void {
  for (const rs of replicaSetsOf(store, d))
    store.delete('ReplicaSet', rs.metadata.namespace, rs.metadata.name);
}
