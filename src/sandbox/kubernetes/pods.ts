import { createHash, randomInt } from 'node:crypto';
import { badRequest } from './status.js';
import { rfc3339, type KubeObject } from './store.js';
import type { PodFailure } from './failures.js';

type Obj = Record<string, any>;

const SUFFIX = 'bcdfghjklmnpqrstvwxz2456789';

/** A 5-character suffix as the API server's generateName uses. */
export function randomSuffix(): string {
  let out = '';
  for (let i = 0; i < 5; i++) out += SUFFIX[randomInt(SUFFIX.length)];
  return out;
}

/**
 * Key order, nulls and empty objects do not make a template different (a template read back
 * through kubectl, as `rollout undo` sends it, hashes as the stored one).
 */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const v = canonical((value as Record<string, unknown>)[key]);
    if (v === null || v === undefined) continue;
    if (typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0) continue;
    out[key] = v;
  }
  return out;
}

/** A short stable hash of a pod template: Deployments' pod-template-hash, StatefulSets' revision. */
export function templateHash(template: unknown): string {
  const hex = createHash('sha256')
    .update(JSON.stringify(canonical(template ?? {})))
    .digest('hex');
  let out = '';
  for (let i = 0; i < 10; i++) out += SUFFIX[parseInt(hex.slice(i * 2, i * 2 + 2), 16) % SUFFIX.length];
  return out;
}

/** A new pod from a workload's template, Pending until the readiness delay passes. */
export function newPod(
  workload: KubeObject,
  name: string,
  labels: Record<string, string>,
  owner: { kind: string; name: string; uid: string },
): KubeObject {
  const template = (workload.spec as Obj).template ?? {};
  const spec = structuredClone(template.spec ?? {});
  spec.restartPolicy ??= 'Always';
  spec.nodeName = 'rotor-sandbox-node';
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: workload.metadata.namespace,
      labels: { ...(template.metadata?.labels ?? {}), ...labels },
      ...(template.metadata?.annotations
        ? { annotations: structuredClone(template.metadata.annotations) }
        : {}),
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: owner.kind,
          name: owner.name,
          uid: owner.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec,
    status: pendingStatus(spec),
  };
}

function containerNames(pod: KubeObject): string[] {
  return ((pod.spec as Obj)?.containers ?? []).map((c: Obj) => c.name as string);
}

function baseConditions(ready: boolean, now: string, containers: string[] = []): Obj[] {
  const s = (v: boolean) => (v ? 'True' : 'False');
  return [
    { type: 'PodReadyToStartContainers', status: 'True', lastTransitionTime: now },
    { type: 'Initialized', status: 'True', lastTransitionTime: now },
    {
      type: 'Ready',
      status: s(ready),
      lastTransitionTime: now,
      ...(ready
        ? {}
        : {
            reason: 'ContainersNotReady',
            message: `containers with unready status: [${containers.join(' ')}]`,
          }),
    },
    { type: 'ContainersReady', status: s(ready), lastTransitionTime: now },
    { type: 'PodScheduled', status: 'True', lastTransitionTime: now },
  ];
}

function pendingStatus(spec: Obj): Obj {
  const now = rfc3339();
  return {
    phase: 'Pending',
    conditions: baseConditions(
      false,
      now,
      (spec.containers ?? []).map((c: Obj) => c.name),
    ),
    hostIP: '10.0.0.10',
    startTime: now,
    containerStatuses: (spec.containers ?? []).map((c: Obj) => ({
      name: c.name,
      image: c.image,
      imageID: '',
      ready: false,
      started: false,
      restartCount: 0,
      state: { waiting: { reason: 'ContainerCreating' } },
    })),
  };
}

/** The pod once its containers run and pass readiness. */
export function runningStatus(pod: KubeObject): Obj {
  const now = rfc3339();
  const spec = pod.spec as Obj;
  return {
    phase: 'Running',
    conditions: baseConditions(true, now),
    hostIP: '10.0.0.10',
    podIP: `10.244.0.${randomInt(2, 250)}`,
    startTime: (pod.status as Obj)?.startTime ?? now,
    containerStatuses: spec.containers.map((c: Obj) => ({
      name: c.name,
      image: c.image,
      imageID: `${c.image}@sha256:${createHash('sha256').update(c.image).digest('hex')}`,
      containerID: `containerd://${createHash('sha256').update(`${pod.metadata.uid}${c.name}`).digest('hex')}`,
      ready: true,
      started: true,
      restartCount: 0,
      state: { running: { startedAt: now } },
    })),
  };
}

/** The pod when its container keeps failing: waiting with the failure's reason, restarts counting. */
export function failingStatus(
  pod: KubeObject,
  failure: Pick<PodFailure, 'reason' | 'message'>,
  restarts: number,
): Obj {
  const now = rfc3339();
  const spec = pod.spec as Obj;
  const reason = failure.reason ?? 'CrashLoopBackOff';
  const crashing = reason === 'CrashLoopBackOff' || reason === 'Error';
  return {
    phase: crashing ? 'Running' : 'Pending',
    conditions: baseConditions(false, now, containerNames(pod)),
    hostIP: '10.0.0.10',
    startTime: (pod.status as Obj)?.startTime ?? now,
    containerStatuses: spec.containers.map((c: Obj) => ({
      name: c.name,
      image: c.image,
      imageID: '',
      ready: false,
      started: false,
      restartCount: crashing ? restarts : 0,
      state: {
        waiting: {
          reason,
          message: crashing
            ? `back-off ${Math.min(10 * 2 ** Math.max(restarts - 1, 0), 300)}s restarting failed container=${c.name} pod=${pod.metadata.name}`
            : (failure.message ?? reason),
        },
      },
      ...(crashing
        ? {
            lastState: {
              terminated: {
                exitCode: 1,
                reason: 'Error',
                message: failure.message ?? 'the container exited with code 1',
                startedAt: now,
                finishedAt: now,
              },
            },
          }
        : {}),
    })),
  };
}

/** Secrets a pod template refers to (env, envFrom, volumes), which must exist for it to start. */
export function referencedSecrets(pod: KubeObject): string[] {
  const spec = pod.spec as Obj;
  const names = new Set<string>();
  for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
    for (const from of c.envFrom ?? [])
      if (from.secretRef?.name && !from.secretRef.optional) names.add(from.secretRef.name);
    for (const env of c.env ?? [])
      if (env.valueFrom?.secretKeyRef?.name && !env.valueFrom.secretKeyRef.optional)
        names.add(env.valueFrom.secretKeyRef.name);
  }
  for (const v of spec.volumes ?? [])
    if (v.secret?.secretName && !v.secret.optional) names.add(v.secret.secretName);
  return [...names];
}

/** What each pod's containers wrote, as `kubectl logs` reads it. */
export class PodLogs {
  #lines = new Map<string, string[]>();

  append(namespace: string, pod: string, line: string): void {
    const key = `${namespace}/${pod}`;
    const lines = this.#lines.get(key) ?? [];
    lines.push(`${new Date().toISOString()} ${line}`);
    if (lines.length > 2000) lines.splice(0, lines.length - 2000);
    this.#lines.set(key, lines);
  }

  drop(namespace: string, pod: string): void {
    this.#lines.delete(`${namespace}/${pod}`);
  }

  /** The log text; a container name that the pod lacks is 400 as the kubelet answers. */
  read(pod: KubeObject, options: { tailLines?: number; container?: string }): string {
    const names = containerNames(pod);
    if (options.container !== undefined && !names.includes(options.container)) {
      throw badRequest(`container ${options.container} is not valid for pod ${pod.metadata.name}`);
    }
    if (options.container === undefined && names.length > 1) {
      throw badRequest(
        `a container name must be specified for pod ${pod.metadata.name}, choose one of: [${names.join(' ')}]`,
      );
    }
    const lines = this.#lines.get(`${pod.metadata.namespace}/${pod.metadata.name}`) ?? [];
    const tail =
      options.tailLines === undefined
        ? lines
        : options.tailLines === 0
          ? []
          : lines.slice(-options.tailLines);
    return tail.map((l) => `${l}\n`).join('');
  }
}
