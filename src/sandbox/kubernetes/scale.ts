import type { IncomingMessage, ServerResponse } from 'node:http';
import { readJson, sendJson } from './http-io.js';
import { applyPatch } from './patch.js';
import type { ResourceType } from './resources.js';
import { badRequest, conflict, fieldInvalid, invalid, notFound } from './status.js';
import type { KubeObject, ObjectStore } from './store.js';
import { commitUpdate } from './write.js';

type Obj = Record<string, any>;

/** The label selector a Scale reports (`status.selector`), from the workload's matchLabels. */
function selectorOf(workload: KubeObject): string {
  const labels = ((workload.spec as Obj).selector?.matchLabels ?? {}) as Record<string, string>;
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** autoscaling/v1 Scale, the view of a Deployment or StatefulSet the `/scale` subresource serves. */
export function scaleOf(workload: KubeObject): KubeObject {
  const { name, namespace, uid, resourceVersion, creationTimestamp } = workload.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name, namespace, uid, resourceVersion, creationTimestamp },
    spec: { replicas: (workload.spec as Obj).replicas ?? 0 },
    status: { replicas: (workload.status as Obj | undefined)?.replicas ?? 0, selector: selectorOf(workload) },
  };
}

/**
 * GET, PUT and PATCH on `deployments/scale` and `statefulsets/scale` (what `kubectl scale` uses):
 * the change lands in the workload's `spec.replicas`; a Scale's resourceVersion is the
 * workload's, so a stale one is 409.
 */
export async function handleScale(
  req: IncomingMessage,
  res: ServerResponse,
  type: ResourceType,
  namespace: string,
  name: string,
  store: ObjectStore,
  dryRun: boolean,
): Promise<void> {
  const method = req.method ?? 'GET';
  const body = method === 'GET' ? undefined : await readJson(req);
  const workload = store.get(type.kind, namespace, name);
  if (!workload) throw notFound(type, name);
  const current = scaleOf(workload);
  if (method === 'GET') return sendJson(res, 200, current);
  const wanted = (
    method === 'PATCH' ? applyPatch(req.headers['content-type'] ?? '', current, body, true) : body
  ) as Obj;
  if (wanted?.kind !== undefined && wanted.kind !== 'Scale')
    throw badRequest(`Scale in version "v1" cannot be handled as a Scale: Object 'Kind' is "${wanted.kind}"`);
  const given = wanted?.metadata?.resourceVersion;
  if (method === 'PUT' && given && given !== workload.metadata.resourceVersion) throw conflict(type, name);
  const replicas = wanted?.spec?.replicas;
  if (!Number.isInteger(replicas) || replicas < 0)
    throw invalid({ ...type, kind: 'Scale', group: 'autoscaling' }, name, [
      fieldInvalid('spec.replicas', replicas ?? null, 'must be greater than or equal to 0'),
    ]);
  const updated = commitUpdate(
    store,
    type,
    workload,
    { ...workload, spec: { ...(workload.spec as Obj), replicas } },
    { requireVersion: false, dryRun },
  );
  sendJson(res, 200, scaleOf(updated));
}
