import type { KubeEmulator } from './kubernetes/index.js';
import type { SessionService } from './session-service/server.js';
import type { ServiceSecrets } from './session-service/service-secrets.js';

const NS = 'harmonyflow-production';

function decoded(object: { data?: Record<string, string> } | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(object?.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]),
  );
}

/** The service's secrets as its pods see them: the Kubernetes Secrets External Secrets wrote. */
export function secretsFromCluster(kube: KubeEmulator, fallback: ServiceSecrets): ServiceSecrets {
  const app = decoded(kube.get('Secret', NS, 'session-state-service-secrets') as never);
  const admin = decoded(kube.get('Secret', NS, 'session-state-service-admin') as never);
  return {
    'jwt-secret': app['jwt-secret'] ?? fallback['jwt-secret'],
    'jwt-secret-previous': app['jwt-secret-previous'],
    'jwt-refresh-secret': app['jwt-refresh-secret'] ?? fallback['jwt-refresh-secret'],
    'jwt-refresh-previous': app['jwt-refresh-previous'],
    'api-key': app['api-key'] ?? fallback['api-key'],
    'admin-token': admin['api-token'] ?? fallback['admin-token'],
  };
}

/**
 * Reloads the demo service when its Deployment finishes a rollout, as new pods read the Secret
 * at start: a rotation reaches the service only through sync and restart, as in the guide.
 */
export function reloadOnRollout(
  kube: KubeEmulator,
  service: SessionService,
  fallback: ServiceSecrets,
  intervalMs = 100,
): () => void {
  // The generation the service started on, read now rather than at the first tick: a run may
  // already have restarted the Deployment by the time the first tick comes.
  let seen = String(
    (kube.get('Deployment', NS, 'session-state-service') as { metadata: { generation?: number } } | undefined)
      ?.metadata.generation ?? '',
  );
  const timer = setInterval(() => {
    const deployment = kube.get('Deployment', NS, 'session-state-service') as
      | {
          metadata: { generation?: number };
          spec: { replicas?: number };
          status?: {
            observedGeneration?: number;
            updatedReplicas?: number;
            availableReplicas?: number;
            replicas?: number;
          };
        }
      | undefined;
    if (!deployment) return;
    const { status = {}, metadata, spec } = deployment;
    const done =
      status.observedGeneration === metadata.generation &&
      status.updatedReplicas === spec.replicas &&
      status.replicas === spec.replicas &&
      (status.availableReplicas ?? 0) >= (spec.replicas ?? 0);
    const key = String(metadata.generation);
    if (done && key !== seen) {
      seen = key;
      void service.reload().catch(() => undefined);
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

export { NS as SERVICE_NAMESPACE };
