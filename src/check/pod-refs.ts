import type { PodView } from './cluster-view.js';

type Obj = Record<string, any>;
const arr = (v: unknown): Obj[] => (Array.isArray(v) ? (v as Obj[]) : []);

/**
 * How a pod reads a Secret. Environment variables and `subPath` mounts are fixed when the
 * container starts; a whole-volume mount is refreshed by the kubelet.
 */
export type SecretUse = 'env' | 'volume';

/** How the pod reads the Secret: `env` when any container needs a restart to see a change. */
export function secretUse(pod: PodView, secret: string): SecretUse | undefined {
  const spec = (pod.spec ?? {}) as Obj;
  const containers = [...arr(spec.initContainers), ...arr(spec.containers)];
  const viaEnv = containers.some(
    (c) =>
      arr(c.env).some((e) => e.valueFrom?.secretKeyRef?.name === secret) ||
      arr(c.envFrom).some((e) => e.secretRef?.name === secret),
  );
  const volumes = new Set(
    arr(spec.volumes)
      .filter(
        (v) =>
          v.secret?.secretName === secret || arr(v.projected?.sources).some((s) => s.secret?.name === secret),
      )
      .map((v) => String(v.name)),
  );
  const viaSubPath = containers.some((c) =>
    arr(c.volumeMounts).some((m) => volumes.has(String(m.name)) && (m.subPath || m.subPathExpr)),
  );
  if (viaEnv || viaSubPath) return 'env';
  return volumes.size > 0 ? 'volume' : undefined;
}

/** When the pod's containers last started: the earliest running container, else the pod's start. */
export function podStartedAt(pod: PodView): number | undefined {
  const starts = pod.containerStarts.map(Date.parse).filter((t) => !Number.isNaN(t));
  if (starts.length) return Math.min(...starts);
  const t = Date.parse(pod.startTime ?? pod.creationTimestamp ?? '');
  return Number.isNaN(t) ? undefined : t;
}

/** The workload a pod belongs to: a Deployment (through its ReplicaSet), a StatefulSet, or itself. */
export function workloadOf(pod: PodView): { kind: string; name: string } {
  const owner = pod.owner;
  if (!owner) return { kind: 'Pod', name: pod.name };
  if (owner.kind === 'ReplicaSet') {
    const m = /^(.*)-[a-z0-9]{5,10}$/.exec(owner.name);
    return { kind: 'Deployment', name: m ? m[1] : owner.name };
  }
  return owner;
}
