/**
 * The fields each served kind declares, as far down as the emulator checks them. `open` marks a
 * subtree whose fields are not enumerated here (a pod spec, a provider block): it is kept as
 * given and published in OpenAPI with x-kubernetes-preserve-unknown-fields.
 */
export type FieldSchema = { fields: Record<string, FieldSchema> } | 'open';

const open = 'open' as const;
const obj = (...names: string[]): FieldSchema => ({
  fields: Object.fromEntries(names.map((n) => [n, open])),
});
const withFields = (base: FieldSchema, extra: Record<string, FieldSchema>): FieldSchema =>
  base === 'open' ? base : { fields: { ...base.fields, ...extra } };

const METADATA = obj(
  'name',
  'generateName',
  'namespace',
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
);
const TEMPLATE = obj('metadata', 'spec');

const top = (extra: Record<string, FieldSchema>): FieldSchema =>
  withFields(obj('apiVersion', 'kind', 'status'), { metadata: METADATA, ...extra });

/** Per kind: the declared fields (k8s.io/api types, External Secrets' CRD schemas). */
export const KIND_SCHEMAS: Record<string, FieldSchema> = {
  Namespace: top({ spec: obj('finalizers') }),
  Secret: top({ data: open, stringData: open, type: open, immutable: open }),
  Pod: top({ spec: open }),
  Event: top(
    Object.fromEntries(
      [
        'involvedObject',
        'reason',
        'message',
        'source',
        'firstTimestamp',
        'lastTimestamp',
        'count',
        'type',
        'eventTime',
        'series',
        'action',
        'related',
        'reportingComponent',
        'reportingInstance',
      ].map((n) => [n, open]),
    ),
  ),
  Deployment: top({
    spec: withFields(
      obj(
        'replicas',
        'selector',
        'strategy',
        'minReadySeconds',
        'revisionHistoryLimit',
        'paused',
        'progressDeadlineSeconds',
      ),
      { template: TEMPLATE },
    ),
  }),
  ReplicaSet: top({
    spec: withFields(obj('replicas', 'selector', 'minReadySeconds'), { template: TEMPLATE }),
  }),
  StatefulSet: top({
    spec: withFields(
      obj(
        'replicas',
        'selector',
        'volumeClaimTemplates',
        'serviceName',
        'podManagementPolicy',
        'updateStrategy',
        'revisionHistoryLimit',
        'minReadySeconds',
        'persistentVolumeClaimRetentionPolicy',
        'ordinals',
      ),
      { template: TEMPLATE },
    ),
  }),
  CronJob: top({
    spec: obj(
      'schedule',
      'timeZone',
      'startingDeadlineSeconds',
      'concurrencyPolicy',
      'suspend',
      'jobTemplate',
      'successfulJobsHistoryLimit',
      'failedJobsHistoryLimit',
    ),
  }),
  ExternalSecret: top({
    spec: obj('secretStoreRef', 'target', 'refreshPolicy', 'refreshInterval', 'data', 'dataFrom'),
  }),
  ClusterSecretStore: top({
    spec: obj('controller', 'provider', 'retrySettings', 'refreshInterval', 'conditions'),
  }),
};

/** Dotted paths (`spec.foo`) of fields the kind does not declare; removes them from the object. */
export function pruneUnknown(kind: string, object: Record<string, unknown>): string[] {
  const schema = KIND_SCHEMAS[kind];
  const unknown: string[] = [];
  if (schema) walk(schema, object, '', unknown);
  return unknown;
}

function walk(schema: FieldSchema, value: unknown, path: string, unknown: string[]): void {
  if (schema === 'open' || !value || typeof value !== 'object' || Array.isArray(value)) return;
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const child = schema.fields[key];
    const here = path ? `${path}.${key}` : key;
    if (child === undefined) {
      unknown.push(here);
      delete record[key];
    } else walk(child, record[key], here, unknown);
  }
}
