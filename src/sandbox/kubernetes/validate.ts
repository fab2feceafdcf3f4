import {
  badRequest,
  fieldForbidden,
  fieldInvalid,
  fieldNotSupported,
  fieldRequired,
  invalid,
  type FieldCause,
} from './status.js';
import { secretRules } from './validate-secret.js';
import { validateLabels, validateMeta } from './meta.js';
import type { ResourceType } from './resources.js';
import type { KubeObject } from './store.js';

type Obj = Record<string, any>;

const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Fills the defaults the API server's defaulting would, so readers see the same fields. */
export function applyDefaults(object: KubeObject): void {
  const spec = (object.spec ??= {}) as Obj;
  switch (object.kind) {
    case 'Deployment':
      spec.replicas ??= 1;
      spec.strategy ??= { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } };
      spec.revisionHistoryLimit ??= 10;
      spec.progressDeadlineSeconds ??= 600;
      break;
    case 'StatefulSet':
      spec.replicas ??= 1;
      spec.updateStrategy ??= { type: 'RollingUpdate', rollingUpdate: { partition: 0 } };
      spec.podManagementPolicy ??= 'OrderedReady';
      spec.revisionHistoryLimit ??= 10;
      break;
    case 'CronJob':
      spec.concurrencyPolicy ??= 'Allow';
      spec.suspend ??= false;
      spec.successfulJobsHistoryLimit ??= 3;
      spec.failedJobsHistoryLimit ??= 1;
      break;
    case 'ExternalSecret':
      spec.refreshInterval ??= '1h';
      spec.target ??= {};
      spec.target.creationPolicy ??= 'Owner';
      spec.target.deletionPolicy ??= 'Retain';
      break;
    case 'Secret':
      delete object.spec;
      object.type ??= 'Opaque';
      break;
    default:
      if (Object.keys(spec).length === 0) delete object.spec;
  }
}

/** Secrets accept `stringData` on write and store only base64 `data`, as the API server does. */
export function normaliseSecret(object: KubeObject): void {
  if (object.kind !== 'Secret') return;
  // A copy: after a patch, `data` may still be the stored object's own map.
  const data = { ...((object.data ?? {}) as Record<string, unknown>) };
  for (const [key, value] of Object.entries(data)) {
    if (typeof value !== 'string' || !BASE64.test(value)) {
      throw badRequest(
        `Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 0 (key "${key}")`,
      );
    }
  }
  const stringData = object.stringData as Record<string, unknown> | undefined;
  if (stringData) {
    for (const [key, value] of Object.entries(stringData)) {
      if (typeof value !== 'string')
        throw badRequest(
          `Secret in version "v1" cannot be handled as a Secret: stringData.${key} must be a string`,
        );
      data[key] = Buffer.from(value, 'utf8').toString('base64');
    }
    delete object.stringData;
  }
  if (Object.keys(data).length) object.data = data;
  else delete object.data;
}

function containers(podSpec: Obj | undefined, field: string): FieldCause[] {
  const list = podSpec?.containers;
  if (!Array.isArray(list) || list.length === 0) return [fieldRequired(`${field}.containers`)];
  const causes: FieldCause[] = [];
  list.forEach((c: Obj, i: number) => {
    if (!c?.name) causes.push(fieldRequired(`${field}.containers[${i}].name`));
    if (!c?.image) causes.push(fieldRequired(`${field}.containers[${i}].image`));
  });
  return causes;
}

function workload(spec: Obj, old: Obj | undefined): FieldCause[] {
  const causes: FieldCause[] = [];
  if (typeof spec.replicas !== 'number' || spec.replicas < 0 || !Number.isInteger(spec.replicas))
    causes.push(fieldInvalid('spec.replicas', spec.replicas, 'must be greater than or equal to 0'));
  const selector = spec.selector?.matchLabels;
  if (!selector || Object.keys(selector).length === 0)
    causes.push(
      fieldInvalid('spec.selector', spec.selector ?? {}, 'empty selector is invalid for deployment'),
    );
  const labels = spec.template?.metadata?.labels ?? {};
  causes.push(...validateLabels(labels, 'spec.template.metadata.labels'));
  if (selector && !Object.entries(selector).every(([k, v]) => labels[k] === v)) {
    causes.push(
      fieldInvalid('spec.template.metadata.labels', labels, '`selector` does not match template `labels`'),
    );
  }
  causes.push(...containers(spec.template?.spec, 'spec.template.spec'));
  if (old && JSON.stringify(old.selector) !== JSON.stringify(spec.selector))
    causes.push(fieldInvalid('spec.selector', spec.selector, 'field is immutable'));
  return causes;
}

const STS_MUTABLE = [
  'replicas',
  'ordinals',
  'template',
  'updateStrategy',
  'persistentVolumeClaimRetentionPolicy',
  'minReadySeconds',
];

function kindRules(object: KubeObject, old: KubeObject | undefined): FieldCause[] {
  const spec = (object.spec ?? {}) as Obj;
  const oldSpec = old?.spec as Obj | undefined;
  switch (object.kind) {
    case 'Deployment': {
      const causes = workload(spec, oldSpec);
      if (!['RollingUpdate', 'Recreate'].includes(spec.strategy?.type))
        causes.push(
          fieldNotSupported('spec.strategy.type', spec.strategy?.type, ['Recreate', 'RollingUpdate']),
        );
      return causes;
    }
    case 'StatefulSet': {
      const causes = workload(spec, oldSpec);
      if (!['RollingUpdate', 'OnDelete'].includes(spec.updateStrategy?.type))
        causes.push(
          fieldNotSupported('spec.updateStrategy.type', spec.updateStrategy?.type, [
            'OnDelete',
            'RollingUpdate',
          ]),
        );
      if (oldSpec) {
        const frozen = (s: Obj) =>
          JSON.stringify(Object.fromEntries(Object.entries(s).filter(([k]) => !STS_MUTABLE.includes(k))));
        if (frozen(spec) !== frozen(oldSpec))
          causes.push(
            fieldForbidden(
              'spec',
              `updates to statefulset spec for fields other than ${STS_MUTABLE.slice(0, -1)
                .map((f) => `'${f}'`)
                .join(', ')} and 'minReadySeconds' are forbidden`,
            ),
          );
      }
      return causes;
    }
    case 'Secret': {
      const causes: FieldCause[] = [];
      for (const key of Object.keys((object.data ?? {}) as Obj)) {
        if (!CONFIG_KEY.test(key))
          causes.push(
            fieldInvalid(
              `data[${key}]`,
              key,
              "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
            ),
          );
      }
      if (old && old.type !== object.type)
        causes.push(fieldInvalid('type', object.type, 'field is immutable'));
      return [...causes, ...secretRules(object, old)];
    }
    case 'CronJob':
      return cronJobRules(object, spec);
    case 'ExternalSecret': {
      const causes: FieldCause[] = [];
      (Array.isArray(spec.data) ? spec.data : []).forEach((d: Obj, i: number) => {
        if (!d?.secretKey) causes.push(fieldRequired(`spec.data[${i}].secretKey`));
        if (!d?.remoteRef?.key) causes.push(fieldRequired(`spec.data[${i}].remoteRef.key`));
      });
      if (
        spec.target?.creationPolicy &&
        !['Owner', 'Orphan', 'Merge', 'None'].includes(spec.target.creationPolicy)
      ) {
        causes.push(
          fieldNotSupported('spec.target.creationPolicy', spec.target.creationPolicy, [
            'Owner',
            'Orphan',
            'Merge',
            'None',
          ]),
        );
      }
      return causes;
    }
    default:
      return [];
  }
}

const CRON_FIELD =
  /^(\*|\?|[0-9A-Za-z]+(-[0-9A-Za-z]+)?)(\/\d+)?(,(\*|[0-9A-Za-z]+(-[0-9A-Za-z]+)?)(\/\d+)?)*$/;
const CRON_MACROS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];

function cronJobRules(object: KubeObject, spec: Obj): FieldCause[] {
  const causes: FieldCause[] = [];
  if (object.metadata.name.length > 52)
    causes.push(fieldInvalid('metadata.name', object.metadata.name, 'must be no more than 52 characters'));
  const schedule = spec.schedule;
  if (typeof schedule !== 'string' || !schedule) causes.push(fieldRequired('spec.schedule'));
  else {
    const fields = schedule.trim().split(/\s+/);
    const ok =
      CRON_MACROS.includes(schedule.trim()) ||
      (fields.length === 5 && fields.every((f) => CRON_FIELD.test(f)));
    if (!ok) causes.push(fieldInvalid('spec.schedule', schedule, `unparseable schedule "${schedule}"`));
  }
  if (!['Allow', 'Forbid', 'Replace'].includes(spec.concurrencyPolicy))
    causes.push(
      fieldNotSupported('spec.concurrencyPolicy', spec.concurrencyPolicy, ['Allow', 'Forbid', 'Replace']),
    );
  const podSpec = spec.jobTemplate?.spec?.template?.spec;
  causes.push(...containers(podSpec, 'spec.jobTemplate.spec.template.spec'));
  if (!['OnFailure', 'Never'].includes(podSpec?.restartPolicy))
    causes.push(
      fieldRequired(
        'spec.jobTemplate.spec.template.spec.restartPolicy',
        'valid values: "OnFailure", "Never"',
      ),
    );
  return causes;
}

/** Defaults, normalises and validates an object about to be stored; throws the 400/422 answer. */
export function prepare(type: ResourceType, object: KubeObject, old?: KubeObject): KubeObject {
  normaliseSecret(object);
  applyDefaults(object);
  const causes = [...validateMeta(type, object), ...kindRules(object, old)];
  if (causes.length) throw invalid(type, object.metadata.name ?? '', causes);
  return object;
}
