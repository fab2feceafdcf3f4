import type { KubeObject } from './store.js';

/**
 * What a pod's port is in the emulator: a real server's `host:port` the port-forward dials, or a
 * sandbox stand-in that answers rotor in-process (its `*.sandbox` address) and speaks no wire
 * protocol over a forward.
 */
export type PortBackend = { tcp: string } | { standin: string };

/** Which pods' port a backend serves: one pod by name, or every pod whose labels match. */
export interface PortBackendRule {
  namespace: string;
  pod?: string;
  labels?: Record<string, string>;
  port: number;
  backend: PortBackend;
}

/**
 * The processes "listening" in the emulator's pods. A real cluster's pod port is whatever its
 * container listens on; here the sandbox and tests say what answers on each, so a port-forward
 * reaches a real server (or a stand-in) and an unregistered port is refused as a closed port is.
 */
export class PortBackends {
  #rules: PortBackendRule[] = [];

  /** Registers a backend; the newest rule for a pod and port wins. Call the result to remove it. */
  add(rule: PortBackendRule): () => void {
    this.#rules.unshift(rule);
    return () => {
      this.#rules = this.#rules.filter((r) => r !== rule);
    };
  }

  /** What answers on this pod's port, if anything. */
  find(pod: KubeObject, port: number): PortBackend | undefined {
    const labels = pod.metadata.labels ?? {};
    return this.#rules.find(
      (r) =>
        r.port === port &&
        r.namespace === pod.metadata.namespace &&
        (r.pod === undefined || r.pod === pod.metadata.name) &&
        Object.entries(r.labels ?? {}).every(([k, v]) => labels[k] === v),
    )?.backend;
  }
}
