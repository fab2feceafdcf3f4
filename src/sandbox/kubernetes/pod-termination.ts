import type { EventRecorder } from './events.js';
import type { PodLogs } from './pods.js';
import { rfc3339, type KubeObject, type ObjectStore } from './store.js';
import type { Timers } from './timers.js';

type Obj = Record<string, any>;

/** How long the sandbox's containers take to exit on SIGTERM, in real seconds (capped by the grace period). */
export const SHUTDOWN_SECONDS = 2;
/** corev1.DefaultTerminationGracePeriodSeconds. */
export const DEFAULT_GRACE_SECONDS = 30;

/**
 * Graceful pod deletion, as the API server and the kubelet do it together: DELETE sets
 * `deletionTimestamp` (now + grace) and `deletionGracePeriodSeconds` and the pod shows Terminating;
 * the kubelet stops its containers (a Killing Event), writes their terminated state and then removes
 * the pod. The kubelet's time is scaled by the emulator's clock; grace 0, or a pod no node runs,
 * goes at once.
 */
export class PodTermination {
  constructor(
    private readonly store: ObjectStore,
    private readonly timers: Timers,
    private readonly events: EventRecorder,
    private readonly logs: PodLogs,
    /** Emulator milliseconds per real second. */
    private readonly msPerSecond: number,
  ) {}

  /** Starts (or shortens) a pod's termination; answers the pod as the DELETE returns it. */
  delete(pod: KubeObject, gracePeriodSeconds?: number): KubeObject {
    const spec = (pod.spec ?? {}) as Obj;
    const grace = Math.max(
      0,
      gracePeriodSeconds ?? spec.terminationGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS,
    );
    const meta = pod.metadata;
    if (grace === 0 || !spec.nodeName) return this.#remove(pod);
    const current = meta.deletionGracePeriodSeconds as number | undefined;
    // A second delete may only shorten the grace period, as the API server's BeforeDelete allows.
    if (current !== undefined && grace >= current) return pod;
    const stored = this.store.replace({
      ...pod,
      metadata: {
        ...meta,
        deletionTimestamp: rfc3339(Date.now() + grace * 1000),
        deletionGracePeriodSeconds: grace,
      },
    });
    if (current === undefined)
      for (const c of spec.containers ?? [])
        this.events.record(stored, 'kubelet', {
          type: 'Normal',
          reason: 'Killing',
          message: `Stopping container ${c.name}`,
          fieldPath: `spec.containers{${c.name}}`,
        });
    const ms = Math.min(grace, SHUTDOWN_SECONDS) * this.msPerSecond;
    this.timers.set(`terminate:${meta.namespace}/${meta.name}`, ms, () =>
      this.#stopped(meta.namespace!, meta.name, meta.uid!),
    );
    return stored;
  }

  /** The containers exited: the kubelet writes their final state, then the pod is removed. */
  #stopped(namespace: string, name: string, uid: string): void {
    const pod = this.store.get('Pod', namespace, name);
    if (!pod || pod.metadata.uid !== uid) return;
    const now = rfc3339();
    const status = (pod.status ?? {}) as Obj;
    const final = this.store.replace({
      ...pod,
      status: {
        ...status,
        conditions: (status.conditions ?? []).map((c: Obj) =>
          c.type === 'Ready' || c.type === 'ContainersReady'
            ? { ...c, status: 'False', lastTransitionTime: now }
            : c,
        ),
        containerStatuses: (status.containerStatuses ?? []).map((c: Obj) => ({
          ...c,
          ready: false,
          started: false,
          state: {
            terminated: {
              exitCode: 0,
              reason: 'Completed',
              startedAt: c.state?.running?.startedAt ?? now,
              finishedAt: now,
            },
          },
        })),
      },
    });
    this.#remove(final);
  }

  #remove(pod: KubeObject): KubeObject {
    const { namespace, name } = pod.metadata;
    this.timers.clear(`terminate:${namespace}/${name}`);
    this.logs.drop(namespace!, name);
    return this.store.delete('Pod', namespace, name) ?? pod;
  }
}

/** Whether a pod is on its way out (a controller no longer counts it). */
export const isTerminating = (pod: KubeObject): boolean => pod.metadata.deletionTimestamp !== undefined;
