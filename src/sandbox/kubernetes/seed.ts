import type { StartupLogs } from './pod-lifecycle.js';
import { guideServices } from './seed-services.js';
import type { KubeObject } from './store.js';

/** Objects to create at start (namespaces first), and what their containers log when they start. */
export interface SeedSpec {
  objects: KubeObject[];
  startupLogs?: StartupLogs;
}

const ns = (name: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name, labels: { 'kubernetes.io/metadata.name': name } },
});

function container(name: string, image: string, extra: Record<string, unknown> = {}) {
  return { name, image, ...extra };
}

function deployment(
  namespace: string,
  name: string,
  replicas: number,
  labels: Record<string, string>,
  containers: unknown[],
  annotations?: Record<string, string>,
): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels, ...(annotations ? { annotations } : {}) },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers } },
    },
  };
}

function statefulSet(namespace: string, name: string, replicas: number, image: string): KubeObject {
  const labels = { 'app.kubernetes.io/name': name };
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name, namespace, labels },
    spec: {
      replicas,
      serviceName: name,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [container(name.split('-')[0], image)] } },
    },
  };
}

/** An ExternalSecret taking every key of one Vault path into one Secret, as the guide's cluster has. */
function externalSecret(name: string, vaultPath: string, target: string): KubeObject {
  return {
    apiVersion: 'external-secrets.io/v1beta1',
    kind: 'ExternalSecret',
    metadata: { name, namespace: APP_NS, labels: { app: 'session-state-service' } },
    spec: {
      refreshInterval: '1h',
      secretStoreRef: { name: 'vault-backend', kind: 'ClusterSecretStore' },
      target: { name: target, creationPolicy: 'Owner' },
      dataFrom: [{ extract: { key: vaultPath } }],
    },
  };
}

const APP_NS = 'harmonyflow-production';

/** The Vault paths (relative to the KV v2 mount `secret`) the sandbox's ExternalSecrets read, by target Secret. */
export const guideSecretPaths: Record<string, string> = {
  'session-state-service-secrets': 'harmonyflow/session-state-service',
  'session-state-service-postgresql': 'harmonyflow/postgresql',
  'session-state-service-redis': 'harmonyflow/redis',
  'session-state-service-rabbitmq': 'harmonyflow/rabbitmq',
  'session-state-service-admin': 'harmonyflow/admin',
  'session-state-service-tls': 'harmonyflow/tls',
};

/** The guide's cluster: the application, its ExternalSecrets, the controller, and the data stores. */
export function guideSeed(): SeedSpec {
  const appLabels = { app: 'session-state-service' };
  const targets = Object.keys(guideSecretPaths);
  const app = container('session-state-service', 'harmonyflow/session-state-service:1.4.2', {
    ports: [{ containerPort: 8080, name: 'http' }],
    envFrom: targets.map((name) => ({ secretRef: { name } })),
  });
  const objects: KubeObject[] = [
    ...[
      'default',
      APP_NS,
      'external-secrets',
      'postgresql',
      'redis-production',
      'rabbitmq-production',
      'vault',
    ].map(ns),
    {
      apiVersion: 'external-secrets.io/v1beta1',
      kind: 'ClusterSecretStore',
      metadata: { name: 'vault-backend' },
      spec: {
        provider: {
          vault: {
            server: 'http://vault.vault:8200',
            path: 'secret',
            version: 'v2',
            auth: { kubernetes: { mountPath: 'kubernetes', role: 'external-secrets' } },
          },
        },
      },
    },
    deployment('external-secrets', 'external-secrets', 1, { 'app.kubernetes.io/name': 'external-secrets' }, [
      container('external-secrets', 'ghcr.io/external-secrets/external-secrets:v0.10.4'),
    ]),
    externalSecret(
      'session-state-service-jwt',
      'harmonyflow/session-state-service',
      'session-state-service-secrets',
    ),
    externalSecret(
      'session-state-service-postgresql',
      'harmonyflow/postgresql',
      'session-state-service-postgresql',
    ),
    externalSecret('session-state-service-redis', 'harmonyflow/redis', 'session-state-service-redis'),
    externalSecret(
      'session-state-service-rabbitmq',
      'harmonyflow/rabbitmq',
      'session-state-service-rabbitmq',
    ),
    externalSecret('session-state-service-admin', 'harmonyflow/admin', 'session-state-service-admin'),
    externalSecret('session-state-service-tls', 'harmonyflow/tls', 'session-state-service-tls'),
    deployment(APP_NS, 'session-state-service', 3, appLabels, [app]),
    statefulSet('postgresql', 'postgresql-primary', 1, 'bitnami/postgresql:16.2.0'),
    statefulSet('redis-production', 'redis-cluster', 6, 'bitnami/redis-cluster:7.2.4'),
    statefulSet('rabbitmq-production', 'rabbitmq-server', 1, 'rabbitmq:3.13-management'),
    statefulSet('vault', 'vault', 1, 'hashicorp/vault:1.15.4'),
    ...guideServices(),
  ];
  return {
    objects,
    startupLogs: {
      [`${APP_NS}/session-state-service`]: [
        'INFO jwt: signing keys loaded (current and previous)',
        'INFO postgresql: connected to postgresql-primary.postgresql:5432 as harmonyflow',
        'INFO redis: connected to redis-cluster.redis-production:6379',
        'INFO rabbitmq: connected to rabbitmq-server.rabbitmq-production:5672',
        'INFO http: listening on :8080',
      ],
      'external-secrets/external-secrets': [
        'INFO controller: starting ExternalSecret reconciler',
        'INFO provider: vault client ready (http://vault.vault:8200)',
      ],
    },
  };
}
