import type { EventRecorder } from './events.js';
import type { Failures, PodFailure } from './failures.js';
import { failingStatus, referencedSecrets, runningStatus, type PodLogs } from './pods.js';
import type { KubeObject, ObjectStore } from './store.js';
import type { Timers } from './timers.js';

/** Lines a workload's containers log when they start, keyed `namespace/workload`. */
export type StartupLogs = Record<string, string[]>;

/**
 * Brings a new pod to Running/Ready after the readiness delay, or into the injected failure
 * (decided when the pod is created, as a bad image or config is fixed at that moment). A pod whose
 * Secret is missing waits in CreateContainerConfigError, as the kubelet leaves it.
 */
export class PodLifecycle {
  /** When each running pod became ready (emulator clock, ms), by uid: minReadySeconds counts from it. */
  #readyAt = new Map<string, number>();

  constructor(
    private readonly store: ObjectStore,
    private readonly logs: PodLogs,
    private readonly timers: Timers,
    private readonly failures: Failures,
    private readonly options: { readinessDelayMs: number; startupLogs: StartupLogs },
    private readonly events: EventRecorder,
  ) {}

  /** Starts the clock for a pod just created by the workload `workload`. */
  started(pod: KubeObject, workload: string): void {
    const failure = this.failures.forWorkload(pod.metadata.namespace!, workload);
    const key = `pod:${pod.metadata.namespace}/${pod.metadata.name}`;
    this.timers.set(key, this.options.readinessDelayMs, () =>
      this.#settle(pod.metadata.namespace!, pod.metadata.name, pod.metadata.uid!, workload, failure, 1),
    );
  }

  #settle(
    namespace: string,
    name: string,
    uid: string,
    workload: string,
    failure: PodFailure | undefined,
    attempt: number,
  ): void {
    const pod = this.store.get('Pod', namespace, name);
    if (!pod || pod.metadata.uid !== uid || pod.metadata.deletionTimestamp) return;
    const missing = referencedSecrets(pod).find((s) => !this.store.get('Secret', namespace, s));
    if (missing) {
      this.#write(
        pod,
        failingStatus(
          pod,
          { reason: 'CreateContainerConfigError', message: `secret "${missing}" not found` },
          0,
        ),
      );
      this.timers.set(`pod:${namespace}/${name}`, this.options.readinessDelayMs, () =>
        this.#settle(namespace, name, uid, workload, failure, attempt),
      );
      return;
    }
    if (failure) {
      if (attempt === 1) for (const line of failure.logs ?? []) this.logs.append(namespace, name, line);
      this.#write(pod, failingStatus(pod, failure, attempt));
      // Restarts keep counting while the pod crash-loops, as `kubectl get pods` shows them rise.
      if (attempt < 5)
        this.timers.set(`pod:${namespace}/${name}`, this.options.readinessDelayMs * 2, () =>
          this.#settle(namespace, name, uid, workload, failure, attempt + 1),
        );
      return;
    }
    const containers = (pod.spec as { containers: Array<{ name: string; image: string }> }).containers;
    this.#started(pod, containers);
    const container = containers[0];
    this.logs.append(namespace, name, `INFO starting ${container.name} (${container.image})`);
    for (const line of this.options.startupLogs[`${namespace}/${workload}`] ?? [])
      this.logs.append(namespace, name, line);
    this.logs.append(namespace, name, 'INFO ready to serve');
    this.#readyAt.set(uid, Date.now());
    this.#write(pod, runningStatus(pod));
  }

  /** The Events `kubectl describe pod` lists for a pod that started. */
  #started(pod: KubeObject, containers: Array<{ name: string; image: string }>): void {
    const { namespace, name } = pod.metadata;
    this.events.record(pod, 'default-scheduler', {
      type: 'Normal',
      reason: 'Scheduled',
      message: `Successfully assigned ${namespace}/${name} to rotor-sandbox-node`,
    });
    for (const c of containers) {
      const fieldPath = `spec.containers{${c.name}}`;
      const say = (reason: string, message: string) =>
        this.events.record(pod, 'kubelet', { type: 'Normal', reason, message, fieldPath });
      say('Pulled', `Container image "${c.image}" already present on machine`);
      say('Created', `Created container: ${c.name}`);
      say('Started', `Started container ${c.name}`);
    }
  }

  #write(pod: KubeObject, status: unknown): void {
    if (JSON.stringify(status) !== JSON.stringify(pod.status)) this.store.replace({ ...pod, status });
  }

  /** Milliseconds since the pod became ready (unbounded for one made ready before this controller ran). */
  readyForMs(pod: KubeObject): number {
    const at = this.#readyAt.get(pod.metadata.uid ?? '');
    return at === undefined ? Number.POSITIVE_INFINITY : Date.now() - at;
  }

  /** Forgets a deleted pod's timer and log. */
  deleted(namespace: string, name: string, uid?: string): void {
    if (uid) this.#readyAt.delete(uid);
    this.timers.clear(`pod:${namespace}/${name}`);
    this.logs.drop(namespace, name);
  }
}
