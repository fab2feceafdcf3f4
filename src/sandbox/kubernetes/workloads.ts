import type { PodLifecycle } from './pod-lifecycle.js';
import { isTerminating, type PodTermination } from './pod-termination.js';
import { newPod, randomSuffix, templateHash } from './pods.js';
import { rfc3339, type KubeObject, type ObjectStore, type StoreEvent } from './store.js';
import type { Timers } from './timers.js';
import { limits, rollDeployment } from './deployment-rollout.js';
import type { EventRecorder } from './events.js';
import { deleteReplicaSets, syncReplicaSets } from './replicasets.js';
import { rollStatefulSet } from './statefulset-rollout.js';

type Obj = Record<string, any>;

/** Ready and not terminating: what the workload controllers count (a terminating pod is on its way out). */
export const isReady = (pod: KubeObject): boolean =>
  !isTerminating(pod) &&
  ((pod.status as Obj)?.conditions ?? []).some((c: Obj) => c.type === 'Ready' && c.status === 'True');

/** What the rollout functions may do to pods; the controller records and applies it. */
export interface PodActions {
  create(name: string, labels: Record<string, string>): void;
  remove(pod: KubeObject): void;
}

/**
 * The Deployment and StatefulSet controllers: on any change of a workload or of one of its pods,
 * compare pods with the template and take the next step of the rollout, then write the status
 * `kubectl rollout status` reads. Pods are replaced one at a time with the readiness delay between.
 */
export class WorkloadController {
  #unsubscribe?: () => void;

  constructor(
    private readonly store: ObjectStore,
    private readonly lifecycle: PodLifecycle,
    private readonly timers: Timers,
    private readonly termination: PodTermination,
    private readonly events: EventRecorder,
    /** Emulator milliseconds per real second (minReadySeconds). */
    private readonly msPerSecond: number,
  ) {}

  start(): void {
    this.#unsubscribe = this.store.subscribe((event) => this.#onEvent(event));
    for (const kind of ['Deployment', 'StatefulSet'])
      for (const w of this.store.list(kind)) this.schedule(kind, w.metadata.namespace!, w.metadata.name);
  }

  stop(): void {
    this.#unsubscribe?.();
  }

  /** Reconciles soon; several changes in one tick share one pass. */
  schedule(kind: string, namespace: string, name: string): void {
    this.timers.ensure(`workload:${kind}/${namespace}/${name}`, 0, () =>
      this.reconcile(kind, namespace, name),
    );
  }

  #onEvent(event: StoreEvent): void {
    const { object } = event;
    if (event.kind === 'Deployment' || event.kind === 'StatefulSet') {
      if (event.type === 'DELETED') return this.#cascade(object);
      return this.schedule(event.kind, object.metadata.namespace!, object.metadata.name);
    }
    if (event.kind === 'Pod') {
      if (event.type === 'DELETED')
        this.lifecycle.deleted(object.metadata.namespace!, object.metadata.name, object.metadata.uid);
      const owner = this.#ownerOf(object);
      if (owner) this.schedule(owner.kind, object.metadata.namespace!, owner.name);
    }
  }

  /** The workload a pod belongs to, from its controller reference. */
  #ownerOf(pod: KubeObject): { kind: string; name: string } | undefined {
    const ref = pod.metadata.ownerReferences?.find((r) => r.controller);
    if (!ref) return undefined;
    if (ref.kind === 'StatefulSet') return { kind: 'StatefulSet', name: ref.name };
    // Deployment pods belong to a ReplicaSet named <deployment>-<pod-template-hash>.
    const hash = pod.metadata.labels?.['pod-template-hash'];
    if (ref.kind === 'ReplicaSet' && hash && ref.name.endsWith(`-${hash}`))
      return { kind: 'Deployment', name: ref.name.slice(0, -hash.length - 1) };
    return undefined;
  }

  podsOf(workload: KubeObject): KubeObject[] {
    return this.store.list('Pod', workload.metadata.namespace).filter((p) => {
      const owner = this.#ownerOf(p);
      return owner?.kind === workload.kind && owner.name === workload.metadata.name;
    });
  }

  #cascade(workload: KubeObject): void {
    for (const pod of this.podsOf(workload)) if (!isTerminating(pod)) this.termination.delete(pod);
    if (workload.kind === 'Deployment') deleteReplicaSets(this.store, workload);
  }

  reconcile(kind: string, namespace: string, name: string): void {
    const workload = this.store.get(kind, namespace, name);
    if (!workload) return;
    const hash = templateHash((workload.spec as Obj).template);
    const surge = kind === 'Deployment' ? limits(workload.spec as Obj).surge : 0;
    const replicaSet =
      kind === 'Deployment'
        ? syncReplicaSets(this.store, this.events, workload, hash, this.podsOf(workload), surge)
        : undefined;
    const actions: PodActions = {
      create: (podName, labels) => {
        const owner = replicaSet
          ? { kind: 'ReplicaSet', name: replicaSet.metadata.name, uid: replicaSet.metadata.uid! }
          : { kind: 'StatefulSet', name, uid: workload.metadata.uid! };
        const pod = this.store.create(newPod(workload, podName, labels, owner), { generation: false });
        this.lifecycle.started(pod, name);
      },
      remove: (pod) => void this.termination.delete(pod),
    };
    // The ReplicaSet controller counts only active pods; a StatefulSet waits for a terminating
    // pod to be gone before it creates that ordinal again.
    const pods = this.podsOf(workload).filter((p) => kind === 'StatefulSet' || !isTerminating(p));
    const minReadyMs = ((workload.spec as Obj).minReadySeconds ?? 0) * this.msPerSecond;
    let waitMs = Infinity;
    // minReadySeconds: a ready pod counts as available once it has been ready that long.
    const isAvailable = (pod: KubeObject) => {
      if (!isReady(pod) || minReadyMs === 0) return isReady(pod);
      const left = minReadyMs - this.lifecycle.readyForMs(pod);
      if (left > 0) waitMs = Math.min(waitMs, left);
      return left <= 0;
    };
    const outcome =
      kind === 'Deployment'
        ? rollDeployment(
            workload,
            pods,
            hash,
            actions,
            () => `${name}-${hash}-${randomSuffix()}`,
            isAvailable,
          )
        : rollStatefulSet(workload, pods, `${name}-${hash}`, actions);
    const fresh = this.store.get(kind, namespace, name);
    if (!fresh) return;
    if (kind === 'Deployment')
      syncReplicaSets(this.store, this.events, fresh, hash, this.podsOf(fresh), surge);
    const active = this.podsOf(fresh).filter((p) => kind === 'StatefulSet' || !isTerminating(p));
    const status = outcome.status(active, (fresh.status as Obj | undefined) ?? {}, rfc3339());
    if (JSON.stringify(status) !== JSON.stringify(fresh.status)) this.store.replace({ ...fresh, status });
    // A later look (the progress deadline) in its own timer, so it never delays an event-driven pass.
    if (Number.isFinite(waitMs))
      this.timers.set(`workload-min-ready:${kind}/${namespace}/${name}`, waitMs + 1, () =>
        this.reconcile(kind, namespace, name),
      );
    const recheck = `workload-deadline:${kind}/${namespace}/${name}`;
    if (outcome.recheckMs !== undefined)
      this.timers.set(recheck, outcome.recheckMs, () => this.reconcile(kind, namespace, name));
    else this.timers.clear(recheck);
  }
}
