import type { KubeObject } from './store.js';

function service(
  namespace: string,
  name: string,
  selector: Record<string, string>,
  ports: Array<{ name: string; port: number; targetPort: number | string }>,
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace },
    spec: { type: 'ClusterIP', selector, ports: ports.map((p) => ({ ...p, protocol: 'TCP' })) },
  };
}

/** The guide's Services in front of its data stores and the application, for `k8s://…/svc/…` targets. */
export function guideServices(): KubeObject[] {
  const sts = (name: string) => ({ 'app.kubernetes.io/name': name });
  return [
    service('postgresql', 'postgresql-primary', sts('postgresql-primary'), [
      { name: 'tcp-postgresql', port: 5432, targetPort: 5432 },
    ]),
    service('redis-production', 'redis-cluster', sts('redis-cluster'), [
      { name: 'tcp-redis', port: 6379, targetPort: 6379 },
    ]),
    service('rabbitmq-production', 'rabbitmq-server', sts('rabbitmq-server'), [
      { name: 'amqp', port: 5672, targetPort: 5672 },
      { name: 'management', port: 15672, targetPort: 15672 },
    ]),
    service('harmonyflow-production', 'session-state-service', { app: 'session-state-service' }, [
      { name: 'http', port: 8080, targetPort: 'http' },
    ]),
  ];
}
