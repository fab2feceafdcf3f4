import type { RolloutStep } from './deployment-rollout.js';
import type { KubeObject } from './store.js';
import { isReady, type PodActions } from './workloads.js';

type Obj = Record<string, any>;

const REVISION = 'controller-revision-hash';
const ordinal = (pod: KubeObject) => Number(pod.metadata.name.slice(pod.metadata.name.lastIndexOf('-') + 1));

/**
 * One step of a StatefulSet rollout, OrderedReady: create missing ordinals in order, each after
 * the previous is ready; on a template change replace pods from the highest ordinal down, one
 * at a time, each only when every pod is ready.
 */
export function rollStatefulSet(
  sts: KubeObject,
  pods: KubeObject[],
  revision: string,
  act: PodActions,
): RolloutStep {
  const spec = sts.spec as Obj;
  const replicas: number = spec.replicas;
  const name = sts.metadata.name;
  const byOrdinal = new Map(pods.map((p) => [ordinal(p), p]));
  const allReady = pods.every(isReady);
  const partition: number = spec.updateStrategy?.rollingUpdate?.partition ?? 0;
  const previous = (sts.status as Obj | undefined) ?? {};
  const currentRevision: string = previous.currentRevision ?? revision;

  if (allReady) {
    const missing = [...Array(replicas).keys()].find((i) => !byOrdinal.has(i));
    const excess = pods.filter((p) => ordinal(p) >= replicas).sort((a, b) => ordinal(b) - ordinal(a));
    if (missing !== undefined) {
      const rev = missing < partition ? currentRevision : revision;
      act.create(`${name}-${missing}`, {
        [REVISION]: rev,
        'apps.kubernetes.io/pod-index': String(missing),
        'statefulset.kubernetes.io/pod-name': `${name}-${missing}`,
      });
    } else if (excess.length) {
      act.remove(excess[0]);
    } else if (spec.updateStrategy?.type === 'RollingUpdate') {
      const stale = pods
        .filter((p) => ordinal(p) >= partition && p.metadata.labels?.[REVISION] !== revision)
        .sort((a, b) => ordinal(b) - ordinal(a));
      if (stale.length) act.remove(stale[0]);
    }
  }
  return { status: (podsNow) => statefulSetStatus(sts, podsNow, revision, currentRevision) };
}

function statefulSetStatus(
  sts: KubeObject,
  pods: KubeObject[],
  revision: string,
  currentRevision: string,
): Obj {
  const replicas: number = (sts.spec as Obj).replicas;
  const updated = pods.filter((p) => p.metadata.labels?.[REVISION] === revision).length;
  const ready = pods.filter(isReady).length;
  // The current revision catches up once every pod runs the update revision and is ready.
  const settled = updated === replicas && pods.length === replicas && ready === replicas;
  const current = settled ? revision : currentRevision;
  const count = (field: string, n: number) => (n > 0 ? { [field]: n } : {});
  return {
    observedGeneration: sts.metadata.generation ?? 1,
    replicas: pods.length,
    ...count('readyReplicas', ready),
    ...count('currentReplicas', pods.filter((p) => p.metadata.labels?.[REVISION] === current).length),
    ...count('updatedReplicas', updated),
    ...count('availableReplicas', ready),
    currentRevision: current,
    updateRevision: revision,
    collisionCount: 0,
  };
}
