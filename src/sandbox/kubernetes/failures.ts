/** Pods a workload creates from now on fail to become ready, for as long as the failure is set. */
export interface PodFailure {
  kind: 'pod';
  namespace: string;
  /** The Deployment or StatefulSet whose new pods fail. */
  workload: string;
  /** The container's waiting reason; CrashLoopBackOff by default. */
  reason?: string;
  /** Why it crashed, as the container's last termination message shows it. */
  message?: string;
  /** Lines the failing container writes to its log. */
  logs?: string[];
}

/** The External Secrets controller ignores this ExternalSecret: it never syncs. */
export interface SyncFailure {
  kind: 'external-secret';
  namespace: string;
  name: string;
}

/** A failure a test or a sandbox rehearsal injects. */
export type InjectedFailure = PodFailure | SyncFailure;

/** The failures currently injected, read by the controllers. */
export class Failures {
  #active: InjectedFailure[] = [];

  inject(failure: InjectedFailure): () => void {
    this.#active.push(failure);
    return () => {
      this.#active = this.#active.filter((f) => f !== failure);
    };
  }

  forWorkload(namespace: string, workload: string): PodFailure | undefined {
    return this.#active.find(
      (f): f is PodFailure => f.kind === 'pod' && f.namespace === namespace && f.workload === workload,
    );
  }

  syncBlocked(namespace: string, name: string): boolean {
    return this.#active.some(
      (f) => f.kind === 'external-secret' && f.namespace === namespace && f.name === name,
    );
  }
}
