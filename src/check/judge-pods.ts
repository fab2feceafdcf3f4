import { secretChangedAt } from './changed-at.js';
import type { ExternalSecretView, PodView, SecretView } from './cluster-view.js';
import { readiness, targetOf } from './eso-mapping.js';
import { podStartedAt, podsReading, workloadOf } from './pod-refs.js';
import type { Hop } from './types.js';

/** The kubelet refreshes mounted Secrets within its sync period (default one minute) plus a cache TTL. */
export const KUBELET_SYNC_MS = 60_000;

/** A workload whose pods run with an older copy of a Secret. */
export interface StaleWorkload {
  namespace: string;
  kind: string;
  name: string;
  externalSecret: string;
}

/** The pods hop, the consumers found, and the workloads to restart. */
export interface PodsVerdict {
  hop: Hop;
  consumers: string[];
  stale: StaleWorkload[];
  /** Every consumer workload, with the ExternalSecret whose Secret it reads. */
  workloads: StaleWorkload[];
}

/**
 * How many of the consumers' pods run with the Secret as it is now: a pod that reads it as
 * environment or through `subPath` must have started after the Secret last changed; one that
 * mounts it whole is current once the kubelet's sync period has passed since the change.
 * Times have the API's one-second precision: a start in the same second counts as after.
 */
export function judgePods(
  readers: readonly ExternalSecretView[],
  targets: ReadonlyMap<ExternalSecretView, SecretView | undefined>,
  podsOf: (namespace: string) => readonly PodView[] | { why: string; forbidden?: boolean },
  now: Date,
  syncMs = KUBELET_SYNC_MS,
): PodsVerdict {
  const consumers = new Set<string>();
  const stale = new Map<string, StaleWorkload>();
  const all = new Map<string, StaleWorkload>();
  const sources = new Set<string>();
  let total = 0;
  let current = 0;
  let unknown = false;
  for (const es of readers) {
    const secret = targets.get(es);
    if (!secret) continue;
    const pods = podsOf(es.namespace);
    if (!Array.isArray(pods)) {
      const gap = pods as { why: string; forbidden?: boolean };
      return {
        hop: { state: gap.forbidden ? 'forbidden' : 'unreachable', detail: gap.why },
        consumers: [...consumers],
        stale: [],
        workloads: [],
      };
    }
    const changed = secretChangedAt(secret, readiness(es).refreshTime);
    if (!changed) {
      unknown = true;
      continue;
    }
    sources.add(changed.source);
    for (const { pod, use } of podsReading(pods as readonly PodView[], targetOf(es))) {
      const workload = workloadOf(pod);
      const id = `${pod.namespace}/${workload.kind}/${workload.name}`;
      consumers.add(id);
      all.set(`${es.name}:${id}`, { namespace: pod.namespace, ...workload, externalSecret: es.name });
      total++;
      const started = podStartedAt(pod);
      const fresh =
        (started !== undefined && Math.floor(started / 1000) >= Math.floor(changed.at / 1000)) ||
        (use === 'volume' && now.getTime() >= changed.at + syncMs);
      if (fresh) current++;
      else
        stale.set(id, {
          namespace: pod.namespace,
          ...workload,
          externalSecret: es.name,
        });
    }
  }
  const facts = { current, total, changed_from: [...sources].join(',') || null };
  if (unknown && current === total)
    return {
      hop: { state: 'not-judged', detail: 'when the Secret last changed is unknown', facts },
      consumers: [...consumers].sort(),
      stale: [],
      workloads: [...all.values()],
    };
  if (total === 0)
    return {
      hop: { state: 'none', detail: 'no pods read it', facts },
      consumers: [],
      stale: [],
      workloads: [],
    };
  const since = sources.size ? ` (changed: ${[...sources].join(', ')})` : '';
  return {
    hop: {
      state: current === total ? 'ok' : 'drift',
      detail: `${current}/${total} pods started after the Secret changed${since}`,
      facts,
    },
    consumers: [...consumers].sort(),
    stale: [...stale.values()],
    workloads: [...all.values()],
  };
}
