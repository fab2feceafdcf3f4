import type { ClusterForwarder } from '../adapters/kubernetes-port-forward.js';
import type { ClusterRoutes } from '../session/through-cluster.js';
import { SANDBOX_HOSTS } from './guide-secrets.js';
import type { KubeEmulator } from './kubernetes/index.js';
import type { SandboxTargets } from './target-guard.js';

/**
 * `k8s://` targets in the sandbox: resolved and checked through the emulator's API like a real
 * cluster's; a pod whose port is a stand-in is answered in-process at the stand-in's address, any
 * other through a real port-forward whose loopback bridge becomes one of the sandbox's own servers.
 */
export function sandboxClusterRoutes(
  kube: KubeEmulator,
  forwarder: ClusterForwarder,
  targets: SandboxTargets,
): ClusterRoutes {
  return {
    check: (target) => forwarder.check(target),
    async local(target) {
      const { pod, port } = await forwarder.resolve(target);
      const backend = kube.portBackend(target.namespace, pod, port);
      if (backend && 'standin' in backend) return backend.standin;
      const bridge = await forwarder.local(target);
      if (!targets.listening.includes(bridge)) targets.listening.push(bridge);
      return bridge;
    },
  };
}

/** What answers in the guide's pods: the stand-ins, and the demo service on its HTTP port. */
export function registerGuideBackends(kube: KubeEmulator, serviceUrl: string): void {
  SANDBOX_HOSTS.redisNodes.forEach((node, i) =>
    kube.forwardPort({
      namespace: 'redis-production',
      pod: `redis-cluster-${i}`,
      port: 6379,
      backend: { standin: node },
    }),
  );
  kube.forwardPort({
    namespace: 'postgresql',
    pod: 'postgresql-primary-0',
    port: 5432,
    backend: { standin: SANDBOX_HOSTS.postgres },
  });
  const rabbit = { namespace: 'rabbitmq-production', pod: 'rabbitmq-server-0' };
  kube.forwardPort({
    ...rabbit,
    port: 15672,
    backend: { standin: SANDBOX_HOSTS.rabbitApi.replace('http://', '') },
  });
  kube.forwardPort({
    ...rabbit,
    port: 5672,
    backend: { standin: SANDBOX_HOSTS.rabbitAmqp.replace('amqp://', '') },
  });
  kube.forwardPort({
    namespace: 'harmonyflow-production',
    labels: { app: 'session-state-service' },
    port: 8080,
    backend: { tcp: new URL(serviceUrl).host },
  });
}
