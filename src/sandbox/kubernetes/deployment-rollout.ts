import type { KubeObject } from './store.js';
import { isReady, type PodActions } from './workloads.js';

type Obj = Record<string, any>;

/** What a rollout step decided: the status to write and when to look again. */
export interface RolloutStep {
  status(pods: KubeObject[], previous: Obj, now: string): Obj;
  recheckMs?: number;
}

/** `intstr` with percent, rounded as the deployment controller rounds surge (up) and unavailable (down). */
export function scaledValue(value: unknown, total: number, roundUp: boolean): number {
  if (typeof value === 'number') return value;
  const m = /^(\d+)%$/.exec(String(value ?? ''));
  if (!m) return 0;
  const exact = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

const hashOf = (pod: KubeObject) => pod.metadata.labels?.['pod-template-hash'];
const notReadyFirst = (a: KubeObject, b: KubeObject) => Number(isReady(a)) - Number(isReady(b));

/** maxSurge and maxUnavailable as absolute pod counts. */
export function limits(spec: Obj): { surge: number; unavailable: number } {
  const rolling = spec.strategy?.rollingUpdate ?? {};
  const surge = scaledValue(rolling.maxSurge ?? '25%', spec.replicas, true);
  const unavailable = scaledValue(rolling.maxUnavailable ?? '25%', spec.replicas, false);
  return { surge, unavailable: surge === 0 && unavailable === 0 ? 1 : unavailable };
}

/**
 * One step of a Deployment rollout. RollingUpdate creates new pods up to maxSurge and removes old
 * ones only while at least replicas − maxUnavailable stay ready, so a new pod that never becomes
 * ready stalls the rollout with every old pod still serving.
 */
export function rollDeployment(
  d: KubeObject,
  pods: KubeObject[],
  hash: string,
  act: PodActions,
  nextName: () => string,
  /** Ready for minReadySeconds: what maxUnavailable and availableReplicas count. */
  isAvailable: (pod: KubeObject) => boolean = isReady,
): RolloutStep {
  const spec = d.spec as Obj;
  const replicas: number = spec.replicas;
  let current = pods.filter((p) => hashOf(p) === hash);
  let old = pods.filter((p) => hashOf(p) !== hash);
  if (!spec.paused) {
    if (spec.strategy?.type === 'Recreate') {
      if (old.length) old.forEach((p) => act.remove(p));
      else
        for (let n = current.length; n < replicas; n++) act.create(nextName(), { 'pod-template-hash': hash });
    } else {
      const { surge, unavailable } = limits(spec);
      for (const extra of [...current].sort(notReadyFirst).slice(0, Math.max(0, current.length - replicas))) {
        act.remove(extra);
        current = current.filter((p) => p !== extra);
      }
      let total = current.length + old.length;
      for (let n = current.length; n < replicas && total < replicas + surge; n++, total++)
        act.create(nextName(), { 'pod-template-hash': hash });
      let ready = current.filter(isAvailable).length + old.filter(isAvailable).length;
      for (const pod of [...old].sort(notReadyFirst)) {
        if (isAvailable(pod)) {
          if (ready - 1 < replicas - unavailable) continue;
          ready--;
        }
        act.remove(pod);
        old = old.filter((p) => p !== pod);
      }
    }
  }
  return {
    status: (podsNow, previous, now) => deploymentStatus(d, podsNow, previous, now, hash, isAvailable),
    recheckMs: spec.paused ? undefined : (spec.progressDeadlineSeconds ?? 600) * 1000 + 50,
  };
}

function condition(
  previous: Obj[],
  type: string,
  status: string,
  reason: string,
  message: string,
  now: string,
  touch: boolean,
): Obj {
  const before = previous.find((c) => c.type === type);
  const changed = !before || before.status !== status || before.reason !== reason;
  return {
    type,
    status,
    lastUpdateTime: changed || touch ? now : before.lastUpdateTime,
    lastTransitionTime: !before || before.status !== status ? now : before.lastTransitionTime,
    reason,
    message,
  };
}

function deploymentStatus(
  d: KubeObject,
  pods: KubeObject[],
  previous: Obj,
  now: string,
  hash: string,
  isAvailable: (pod: KubeObject) => boolean,
): Obj {
  const spec = d.spec as Obj;
  const replicas: number = spec.replicas;
  const updated = pods.filter((p) => hashOf(p) === hash).length;
  const ready = pods.filter(isReady).length;
  const available = pods.filter(isAvailable).length;
  const generation = d.metadata.generation ?? 1;
  const rs = `ReplicaSet "${d.metadata.name}-${hash}"`;
  const conditions: Obj[] = previous.conditions ?? [];
  const progressed =
    previous.observedGeneration !== generation ||
    (previous.replicas ?? 0) !== pods.length ||
    (previous.updatedReplicas ?? 0) !== updated ||
    (previous.readyReplicas ?? 0) !== ready;
  const complete = updated === replicas && pods.length === replicas && available >= replicas;
  const before = conditions.find((c) => c.type === 'Progressing');
  let progressing: Obj;
  if (spec.paused)
    progressing = condition(
      conditions,
      'Progressing',
      'Unknown',
      'DeploymentPaused',
      'Deployment is paused',
      now,
      false,
    );
  else if (complete)
    progressing = condition(
      conditions,
      'Progressing',
      'True',
      'NewReplicaSetAvailable',
      `${rs} has successfully progressed.`,
      now,
      progressed,
    );
  else if (progressed || !before || before.reason === 'DeploymentPaused')
    progressing = condition(
      conditions,
      'Progressing',
      'True',
      'ReplicaSetUpdated',
      `${rs} is progressing.`,
      now,
      true,
    );
  else if (
    before.reason !== 'ProgressDeadlineExceeded' &&
    Date.parse(now) - Date.parse(before.lastUpdateTime) >= (spec.progressDeadlineSeconds ?? 600) * 1000
  ) {
    progressing = condition(
      conditions,
      'Progressing',
      'False',
      'ProgressDeadlineExceeded',
      `${rs} has timed out progressing.`,
      now,
      false,
    );
  } else progressing = before;
  const { unavailable } = limits(spec);
  const availableCondition =
    available >= replicas - unavailable
      ? condition(
          conditions,
          'Available',
          'True',
          'MinimumReplicasAvailable',
          'Deployment has minimum availability.',
          now,
          false,
        )
      : condition(
          conditions,
          'Available',
          'False',
          'MinimumReplicasUnavailable',
          'Deployment does not have minimum availability.',
          now,
          false,
        );
  // The API omits zero counts (omitempty); readers must treat a missing count as 0.
  const count = (name: string, n: number) => (n > 0 ? { [name]: n } : {});
  return {
    observedGeneration: generation,
    ...count('replicas', pods.length),
    ...count('updatedReplicas', updated),
    ...count('readyReplicas', ready),
    ...count('availableReplicas', available),
    ...count('unavailableReplicas', Math.max(0, Math.max(replicas, pods.length) - available)),
    conditions: [availableCondition, progressing],
  };
}
