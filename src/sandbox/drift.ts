import { randomBytes } from 'node:crypto';
import type { KubePort } from '../ports/kubernetes-port.js';
import type { VaultPort } from '../ports/vault-port.js';
import { parsePolicy } from '../policy/policy.js';
import { PolicyStore } from '../policy/policy-store.js';
import type { KubeEmulator, KubeObject } from './kubernetes/index.js';
import { untilSettled } from './settle.js';
import type { VaultEmulator } from './vault/index.js';

/** The namespace of the sandbox's drifting IoT services, apart from the guide's application. */
export const DRIFT_NAMESPACE = 'harmonyflow-iot';

/** What the drift seed leaves for `rotor check --env sandbox` to find, by Vault path. */
export const DRIFT = {
  /** Overdue by its Vault age: written 30 days ago, its policy rotates every 14. */
  overdue: 'harmonyflow/iot-api-key',
  /** Its Secret lags Vault: a newer version not yet synced (refreshInterval 1h). */
  lagging: 'harmonyflow/iot-telemetry',
  /** Synced, but the iot-dashboard pods started before the Secret changed. */
  stalePods: 'harmonyflow/iot-dashboard',
} as const;

const DAY = 86_400_000;
const ns = DRIFT_NAMESPACE;
const fresh = () => randomBytes(24).toString('hex');

function externalSecret(name: string, path: string): KubeObject {
  return {
    apiVersion: 'external-secrets.io/v1beta1',
    kind: 'ExternalSecret',
    metadata: { name, namespace: ns },
    spec: {
      refreshInterval: '1h',
      secretStoreRef: { name: 'vault-backend', kind: 'ClusterSecretStore' },
      target: { name, creationPolicy: 'Owner' },
      dataFrom: [{ extract: { key: path } }],
    },
  };
}

function deployment(name: string, replicas: number, podSpec: Record<string, unknown>): KubeObject {
  const labels = { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns, labels },
    spec: { replicas, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: podSpec } },
  };
}

const image = (name: string) => ({ name, image: `harmonyflow/${name}:2.1.0` });

/** The IoT services: one reads its Secret as environment, one mounts it, one takes one key. */
function driftObjects(): KubeObject[] {
  return [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: ns, labels: { 'kubernetes.io/metadata.name': ns } },
    },
    externalSecret('iot-gateway-api-key', DRIFT.overdue),
    externalSecret('iot-telemetry', DRIFT.lagging),
    externalSecret('iot-dashboard', DRIFT.stalePods),
    deployment('iot-gateway', 2, {
      containers: [{ ...image('iot-gateway'), envFrom: [{ secretRef: { name: 'iot-gateway-api-key' } }] }],
    }),
    deployment('iot-ingest', 2, {
      containers: [
        { ...image('iot-ingest'), volumeMounts: [{ name: 'telemetry', mountPath: '/etc/telemetry' }] },
      ],
      volumes: [{ name: 'telemetry', secret: { secretName: 'iot-telemetry' } }],
    }),
    deployment('iot-dashboard', 1, {
      containers: [
        {
          ...image('iot-dashboard'),
          env: [
            {
              name: 'DASHBOARD_PASSWORD',
              valueFrom: { secretKeyRef: { name: 'iot-dashboard', key: 'password' } },
            },
          ],
        },
      ],
    }),
  ];
}

const untilNextSecond = () => new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 5));

/**
 * Seeds the drift a first `rotor check --env sandbox` finds, in Vault as it happens in life (a
 * newer version not yet synced; a sync after the pods started), never by editing a Secret behind
 * External Secrets' back. The policy that makes iot-api-key overdue goes into this Vault's store.
 */
export async function seedDrift(
  vault: VaultEmulator,
  kube: KubeEmulator,
  ports: { vault: VaultPort; kube: KubePort },
): Promise<void> {
  const now = Date.now();
  vault.kvWrite(DRIFT.lagging, { 'ingest-token': fresh() }, { createdTime: now - 10 * DAY });
  vault.kvWrite(DRIFT.stalePods, { password: fresh() }, { createdTime: now - 5 * DAY });
  for (const object of driftObjects()) kube.create(object);
  await untilSettled(kube);
  await new PolicyStore(ports.vault).put(
    parsePolicy({
      secret_path: DRIFT.overdue,
      rotation_type: 'scheduled',
      rotation_period_days: 14,
      runbook: 'generic',
      inputs: {
        kubernetes: 'true',
        namespace: ns,
        deployment: 'iot-gateway',
        external_secret: 'iot-gateway-api-key',
      },
    }),
  );
  vault.kvWrite(DRIFT.lagging, { 'ingest-token': fresh() });
  // The sync must land in a later second than the pods' start: the API's times have one-second precision.
  await untilNextSecond();
  const before = statusOf(kube, 'iot-dashboard').refreshTime;
  vault.kvWrite(DRIFT.stalePods, { password: fresh() });
  await ports.kube.annotate(
    'ExternalSecret',
    { namespace: ns, name: 'iot-dashboard' },
    { 'force-sync': String(Date.now()) },
  );
  const deadline = Date.now() + 10_000;
  while (statusOf(kube, 'iot-dashboard').refreshTime === before) {
    if (Date.now() > deadline)
      throw new Error('the sandbox drift seed: iot-dashboard did not sync within 10s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const statusOf = (kube: KubeEmulator, name: string) =>
  (kube.get('ExternalSecret', ns, name) as { status?: { refreshTime?: string } } | undefined)?.status ?? {};
