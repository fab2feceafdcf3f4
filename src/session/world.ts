import type { Ports } from '../ports/index.js';
import type { TlsMode } from '../adapters/tls-mode.js';
import type { SandboxTargets } from '../sandbox/target-guard.js';
import type { ClusterRoutes } from './through-cluster.js';

/**
 * A connected environment: the ports actions use, variables runbook defaults may name
 * (`{{ env.ROTOR_SERVICE_URL }}`), notes for the operator (which systems are stand-ins), and
 * how to let go of it all.
 */
export interface World {
  environment: string;
  ports: Ports;
  env: Record<string, string>;
  notes: string[];
  /** In the sandbox: the only addresses a session may dial (checked before the first step). */
  targets?: SandboxTargets;
  /** How `k8s://` targets are reached (absent without a Kubernetes connection). */
  clusterRoutes?: ClusterRoutes;
  /** How Vault's and Kubernetes' servers are authenticated, for the journal's session record. */
  tls?: { vault?: TlsMode; kubernetes?: TlsMode };
  /** Weakened TLS the operator should hear about, shown once the session has started. */
  warnings?: string[];
  close(): Promise<void>;
}

/** The real clock. */
export const systemClock: Ports['clock'] = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason ?? new Error('aborted'));
      const timer = setTimeout(resolve, ms);
      signal?.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          reject(signal.reason ?? new Error('aborted'));
        },
        { once: true },
      );
    }),
};
