import { randomBytes } from 'node:crypto';
import type { ResourceType } from './resources.js';
import {
  alreadyExists,
  badRequest,
  conflict,
  fieldForbidden,
  fieldInvalid,
  invalid,
  namespaceNotFound,
} from './status.js';
import type { KubeObject, ObjectStore } from './store.js';
import { prepare } from './validate.js';

/** Everything but metadata and status: what a generation counts changes of. */
function specOf(object: KubeObject): string {
  const { metadata: _m, status: _s, resourceVersion: _r, ...rest } = object;
  return JSON.stringify(rest);
}

function sameObject(a: KubeObject, b: KubeObject): boolean {
  const strip = (o: KubeObject) =>
    JSON.stringify({
      ...o,
      metadata: { ...o.metadata, resourceVersion: undefined, managedFields: undefined },
    });
  return strip(a) === strip(b);
}

function checkIdentity(
  type: ResourceType,
  candidate: unknown,
  namespace: string | undefined,
  name?: string,
): asserts candidate is KubeObject {
  const c = candidate as Partial<KubeObject> | null;
  if (!c || typeof c !== 'object' || Array.isArray(c))
    throw badRequest(
      `${type.kind} in version "${type.version}" cannot be handled as a ${type.kind}: the body is not an object`,
    );
  if (c.kind !== type.kind)
    throw badRequest(
      `${type.kind} in version "${type.version}" cannot be handled as a ${type.kind}: Object 'Kind' is ${c.kind ? `"${c.kind}", expected "${type.kind}"` : 'missing in the body'}`,
    );
  const versions = [type.version, ...(type.alsoVersions ?? [])].map((v) =>
    type.group ? `${type.group}/${v}` : v,
  );
  if (!c.apiVersion || !versions.includes(c.apiVersion))
    throw badRequest(
      `the API version in the data (${c.apiVersion ?? ''}) does not match the expected API version (${versions[0]})`,
    );
  c.metadata ??= { name: '' };
  if (typeof c.metadata !== 'object') throw badRequest('metadata must be an object');
  if (type.namespaced) {
    if (c.metadata.namespace && c.metadata.namespace !== namespace)
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    c.metadata.namespace = namespace;
  } else {
    delete c.metadata.namespace;
  }
  if (name !== undefined && c.metadata.name !== name)
    throw badRequest(
      `the name of the object (${c.metadata.name ?? ''}) does not match the name on the URL (${name})`,
    );
}

/** POST: a new object, with the API server's checks in its order. */
export function createObject(
  store: ObjectStore,
  type: ResourceType,
  namespace: string | undefined,
  body: unknown,
  dryRun: boolean,
): KubeObject {
  checkIdentity(type, body, namespace);
  const meta = body.metadata;
  if (!meta.name && meta.generateName)
    meta.name = `${meta.generateName}${randomBytes(3).toString('hex').slice(0, 5)}`;
  for (const field of [
    'uid',
    'resourceVersion',
    'creationTimestamp',
    'generation',
    'deletionTimestamp',
  ] as const)
    delete meta[field];
  delete body.status;
  const object = prepare(type, body);
  if (type.namespaced && !store.get('Namespace', undefined, namespace!)) {
    throw namespaceNotFound(namespace!);
  }
  if (store.get(type.kind, namespace, object.metadata.name)) throw alreadyExists(type, object.metadata.name);
  if (type.kind === 'Namespace') object.status = { phase: 'Active' };
  if (dryRun)
    return {
      ...object,
      metadata: { ...object.metadata, uid: 'dry-run', creationTimestamp: new Date().toISOString() },
    };
  return store.create(object, { generation: type.generation });
}

/**
 * PUT or the result of a PATCH: a resourceVersion that does not match is 409; on the main
 * resource status is kept from storage, on `/status` everything but status is; a write that
 * changes nothing does not bump resourceVersion, as the API server skips no-op updates.
 */
export function commitUpdate(
  store: ObjectStore,
  type: ResourceType,
  old: KubeObject,
  candidate: unknown,
  options: { subresource?: string; requireVersion: boolean; dryRun: boolean },
): KubeObject {
  checkIdentity(type, candidate, old.metadata.namespace, old.metadata.name);
  const given = candidate.metadata.resourceVersion;
  if (!given && options.requireVersion) {
    throw invalid(type, old.metadata.name, [
      fieldInvalid('metadata.resourceVersion', '0x0', 'must be specified for an update'),
    ]);
  }
  if (given && given !== old.metadata.resourceVersion) throw conflict(type, old.metadata.name);
  if (candidate.metadata.uid && candidate.metadata.uid !== old.metadata.uid)
    throw invalid(type, old.metadata.name, [
      fieldInvalid('metadata.uid', candidate.metadata.uid, 'field is immutable'),
    ]);

  let next: KubeObject;
  if (options.subresource === 'status') {
    next = { ...structuredClone(old), status: candidate.status };
  } else {
    next = candidate;
    if (old.status !== undefined) next.status = structuredClone(old.status);
    else delete next.status;
    for (const field of ['uid', 'creationTimestamp', 'generation', 'ownerReferences'] as const) {
      if (field === 'ownerReferences' && next.metadata.ownerReferences) continue;
      if (old.metadata[field] !== undefined) next.metadata[field] = old.metadata[field] as never;
    }
    // Only a DELETE sets these; an update keeps what is stored.
    for (const field of ['deletionTimestamp', 'deletionGracePeriodSeconds'] as const) {
      if (old.metadata[field] !== undefined) next.metadata[field] = old.metadata[field];
      else delete next.metadata[field];
    }
    prepare(type, next, old);
    if (type.kind === 'Pod' && JSON.stringify(next.spec) !== JSON.stringify(old.spec)) {
      throw invalid(type, old.metadata.name, [
        fieldForbidden(
          'spec',
          'pod updates may not change fields other than `spec.containers[*].image`, `spec.initContainers[*].image`, `spec.activeDeadlineSeconds`, `spec.tolerations` (only additions to existing tolerations), `spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
        ),
      ]);
    }
    if (type.generation && specOf(next) !== specOf(old))
      next.metadata.generation = (old.metadata.generation ?? 0) + 1;
  }
  next.metadata.resourceVersion = old.metadata.resourceVersion;
  if (sameObject(next, old) || options.dryRun) return next;
  return store.replace(next);
}
