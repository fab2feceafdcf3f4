import type { PodView } from './cluster-view.js';

type Obj = Record<string, any>;
const arr = (v: unknown): Obj[] => (Array.isArray(v) ? (v as Obj[]) : []);

/**
 * How a pod reads a Secret. Environment variables and `subPath` mounts are fixed when the
 * container starts; a whole-volume mount is refreshed by the kubelet.
 */
export type SecretUse = 'env' | 'volume';

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

/** Every Secret a pod reads and how, in one pass over its spec. */
export function secretUses(pod: PodView): Map<string, SecretUse> {
  const spec = (pod.spec ?? {}) as Obj;
  const containers = [...arr(spec.initContainers), ...arr(spec.containers)];
  const uses = new Map<string, SecretUse>();
  const volumeSecrets = new Map<string, string[]>();
  for (const v of arr(spec.volumes)) {
    const names = [
      ...(v.secret?.secretName ? [String(v.secret.secretName)] : []),
      ...arr(v.projected?.sources)
        .filter((s) => s.secret?.name)
        .map((s) => String(s.secret.name)),
    ];
    if (names.length) volumeSecrets.set(String(v.name), names);
    for (const name of names) uses.set(name, 'volume');
  }
  for (const c of containers) {
    for (const e of arr(c.env))
      if (e.valueFrom?.secretKeyRef?.name) uses.set(String(e.valueFrom.secretKeyRef.name), 'env');
    for (const e of arr(c.envFrom)) if (e.secretRef?.name) uses.set(String(e.secretRef.name), 'env');
    for (const m of arr(c.volumeMounts))
      if (m.subPath || m.subPathExpr)
        for (const name of volumeSecrets.get(String(m.name)) ?? []) uses.set(name, 'env');
  }
  return uses;
}

const indexes = new WeakMap<readonly PodView[], Map<string, Array<{ pod: PodView; use: SecretUse }>>>();

/** The pods that read each Secret, built once per pod list (a namespace's pods serve every row). */
export function podsReading(
  pods: readonly PodView[],
  secret: string,
): Array<{ pod: PodView; use: SecretUse }> {
  let index = indexes.get(pods);
  if (!index) {
    index = new Map();
    for (const pod of pods)
      for (const [name, use] of secretUses(pod)) {
        const readers = index.get(name) ?? [];
        readers.push({ pod, use });
        index.set(name, readers);
      }
    indexes.set(pods, index);
  }
  return index.get(secret) ?? [];
}
