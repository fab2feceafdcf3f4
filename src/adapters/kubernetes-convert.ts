import { createHash } from 'node:crypto';
import { Secret } from '../engine/secret.js';
import type { V1Deployment, V1Pod, V1StatefulSet } from '@kubernetes/client-node';
import type {
  ExternalSecretState,
  KubeCondition,
  PodState,
  SecretDigest,
  WorkloadState,
} from '../ports/kubernetes-port.js';

const time = (t: unknown): string | undefined =>
  t instanceof Date ? t.toISOString() : typeof t === 'string' ? t : undefined;

function conditions(
  list:
    | Array<{ type: string; status: string; reason?: string; message?: string; lastUpdateTime?: unknown }>
    | undefined,
): KubeCondition[] {
  return (list ?? []).map((c) => ({
    type: c.type,
    status: c.status,
    reason: c.reason,
    message: c.message,
    lastUpdateTime: time(c.lastUpdateTime),
  }));
}

function selectorString(matchLabels: Record<string, string> | undefined): string {
  return Object.entries(matchLabels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** A Deployment or StatefulSet as rollout decisions need it; the API omits zero counts, read here as 0. */
export function toWorkloadState(
  kind: 'Deployment' | 'StatefulSet',
  object: V1Deployment | V1StatefulSet,
): WorkloadState {
  const meta = object.metadata ?? {};
  const spec = object.spec;
  const status = object.status;
  const base = {
    kind,
    namespace: meta.namespace ?? '',
    name: meta.name ?? '',
    generation: meta.generation ?? 0,
    observedGeneration: status?.observedGeneration ?? 0,
    replicas: spec?.replicas ?? 1,
    annotations: meta.annotations ?? {},
    templateAnnotations: spec?.template?.metadata?.annotations ?? {},
    selector: selectorString(spec?.selector?.matchLabels),
    conditions: conditions(status?.conditions as never),
  };
  if (kind === 'Deployment') {
    const d = object as V1Deployment;
    return {
      ...base,
      paused: d.spec?.paused ?? false,
      strategy: d.spec?.strategy?.type ?? 'RollingUpdate',
      status: {
        replicas: d.status?.replicas ?? 0,
        updatedReplicas: d.status?.updatedReplicas ?? 0,
        readyReplicas: d.status?.readyReplicas ?? 0,
        availableReplicas: d.status?.availableReplicas ?? 0,
      },
    };
  }
  const s = object as V1StatefulSet;
  return {
    ...base,
    paused: false,
    strategy: s.spec?.updateStrategy?.type ?? 'RollingUpdate',
    partition: s.spec?.updateStrategy?.rollingUpdate?.partition,
    status: {
      replicas: s.status?.replicas ?? 0,
      updatedReplicas: s.status?.updatedReplicas ?? 0,
      readyReplicas: s.status?.readyReplicas ?? 0,
      availableReplicas: s.status?.availableReplicas ?? 0,
      currentRevision: s.status?.currentRevision,
      updateRevision: s.status?.updateRevision,
    },
  };
}

/** A pod with the reason it is not running, taken from its first unready container. */
export function toPodState(pod: V1Pod): PodState {
  const statuses = pod.status?.containerStatuses ?? [];
  const unready = statuses.find((c) => !c.ready);
  const waiting = unready?.state?.waiting;
  const terminated = unready?.state?.terminated;
  const last = unready?.lastState?.terminated;
  return {
    name: pod.metadata?.name ?? '',
    phase: pod.status?.phase ?? 'Unknown',
    ready: (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
    restarts: statuses.reduce((n, c) => n + (c.restartCount ?? 0), 0),
    reason: waiting?.reason ?? terminated?.reason,
    // A crash loop's own message only says "back-off"; the last termination says why.
    message: last?.message ?? waiting?.message ?? terminated?.message,
    labels: pod.metadata?.labels ?? {},
    createdAt: time(pod.metadata?.creationTimestamp),
  };
}

/** Hashes a Secret's data and lets the values go: only the digest leaves the adapter, wrapped. */
export function digestSecret(
  data: Record<string, string> | undefined,
  annotations: Record<string, string> | undefined,
  resourceVersion: string | undefined,
): SecretDigest {
  const keys = Object.keys(data ?? {}).sort();
  const hash = createHash('sha256');
  for (const key of keys) {
    const bytes = Buffer.from(data![key], 'base64');
    hash.update(`${key}\0${bytes.length}\0`).update(bytes);
  }
  return {
    hash: new Secret(hash.digest('hex'), 'digest of a Kubernetes Secret'),
    keys,
    annotations: annotations ?? {},
    resourceVersion: resourceVersion ?? '',
  };
}

/** An ExternalSecret custom object (plain JSON) as force-sync reads it. */
export function toExternalSecretState(object: Record<string, any>): ExternalSecretState {
  const ready = (object.status?.conditions ?? []).find((c: KubeCondition) => c.type === 'Ready');
  return {
    generation: object.metadata?.generation ?? 0,
    annotations: object.metadata?.annotations ?? {},
    refreshInterval: String(object.spec?.refreshInterval ?? '1h'),
    targetSecret: object.spec?.target?.name ?? object.metadata?.name,
    refreshTime: object.status?.refreshTime,
    syncedResourceVersion: object.status?.syncedResourceVersion,
    ready: ready
      ? { type: 'Ready', status: ready.status, reason: ready.reason, message: ready.message }
      : undefined,
  };
}
