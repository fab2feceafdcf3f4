import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson, sendText, readJson, parseBool } from './http-io.js';
import { applyPatch } from './patch.js';
import type { ResourceType } from './resources.js';
import { parseFieldSelector, parseLabelSelector } from './selectors.js';
import { badRequest, methodNotAllowed, notFound, noSuchResource } from './status.js';
import type { KubeObject, ObjectStore } from './store.js';
import { checkPreconditions, readDeleteOptions } from './delete.js';
import { applyConfiguration, isApply, requireFieldManager } from './apply.js';
import { validateFields } from './field-validation.js';
import { handleScale } from './scale.js';
import { toTable, wantsTable } from './tables.js';
import { serveWatch } from './watch.js';
import { commitUpdate, createObject } from './write.js';

/** A request for a resource after routing. */
export interface ResourceRequest {
  resource: ResourceType;
  version: string;
  namespace?: string;
  name?: string;
  subresource?: string;
}

/** Reads a pod's log as the kubelet would return it; undefined when the pod has no such container. */
export type PodLogReader = (
  namespace: string,
  pod: string,
  options: { tailLines?: number; container?: string },
) => string;

/** What the resource handlers share. */
export interface HandlerDeps {
  store: ObjectStore;
  readLog: PodLogReader;
  openWatches: Set<ServerResponse>;
  /** Graceful pod deletion (the kubelet's part); answers the pod as the DELETE returns it. */
  deletePod: (pod: KubeObject, gracePeriodSeconds?: number) => KubeObject;
}

/** The RBAC verb of a request, which is also what the deny list matches. */
export function verbOf(method: string, r: ResourceRequest, query: URLSearchParams): string | undefined {
  if (method === 'GET')
    return r.name !== undefined ? 'get' : parseBool(query.get('watch')) ? 'watch' : 'list';
  if (method === 'POST' && r.name === undefined && !r.subresource) return 'create';
  if (method === 'PUT' && r.name !== undefined) return 'update';
  if (method === 'PATCH' && r.name !== undefined) return 'patch';
  if (method === 'DELETE' && r.name !== undefined) return 'delete';
  return undefined;
}

/** Serves one resource request: get, list, watch, create, update, patch, delete, logs. */
export async function handleResource(
  req: IncomingMessage,
  res: ServerResponse,
  r: ResourceRequest,
  query: URLSearchParams,
  deps: HandlerDeps,
): Promise<void> {
  const { store } = deps;
  const type = r.resource;
  const verb = verbOf(req.method ?? 'GET', r, query);
  if (!verb || !type.verbs.includes(verb) || (r.subresource && !['get', 'update', 'patch'].includes(verb)))
    throw methodNotAllowed();
  if (type.namespaced && r.namespace === undefined && r.name !== undefined) throw noSuchResource();
  const present = (o: KubeObject): KubeObject => ({
    ...o,
    apiVersion: type.group ? `${type.group}/${r.version}` : r.version,
  });
  const dryRun = query.get('dryRun') === 'All';
  const table = !r.subresource && wantsTable(req.headers.accept, type.kind);
  const includeObject = query.get('includeObject');
  if (r.subresource === 'scale') return handleScale(req, res, type, r.namespace!, r.name!, store, dryRun);
  const existing = () => {
    const found = store.get(type.kind, r.namespace, r.name!);
    if (!found) throw notFound(type, r.name!);
    return found;
  };

  switch (verb) {
    case 'get': {
      const object = existing();
      if (r.subresource === 'log') {
        const tail = query.get('tailLines');
        const tailLines = tail === null ? undefined : Number(tail);
        if (tailLines !== undefined && (!Number.isInteger(tailLines) || tailLines < 0))
          throw badRequest(`invalid tailLines: ${tail}`);
        return sendText(
          res,
          200,
          deps.readLog(r.namespace!, r.name!, { tailLines, container: query.get('container') ?? undefined }),
        );
      }
      if (table) return sendJson(res, 200, toTable(type.kind, [present(object)], includeObject));
      return sendJson(res, 200, present(object));
    }
    case 'list':
    case 'watch': {
      const labels = parseLabelSelector(query.get('labelSelector') ?? undefined);
      const fields = parseFieldSelector(query.get('fieldSelector') ?? undefined, type.kind);
      const matches = (o: KubeObject) => labels(o.metadata.labels ?? {}) && fields(o);
      if (verb === 'watch') {
        const timeout = Number(query.get('timeoutSeconds') ?? '');
        return serveWatch(
          res,
          store,
          {
            type,
            namespace: r.namespace,
            resourceVersion: query.get('resourceVersion') ?? undefined,
            matches,
            // kubectl get -w asks for Tables: each event carries a one-row Table.
            present: table ? (o) => toTable(type.kind, [present(o)], includeObject) as never : present,
            timeoutSeconds: timeout > 0 ? timeout : undefined,
          },
          deps.openWatches,
        );
      }
      const listed = list(
        type,
        r.version,
        store,
        store.list(type.kind, r.namespace).filter(matches).map(present),
        query,
      );
      if (table) return sendJson(res, 200, toTable(type.kind, listed.items, includeObject, listed.metadata));
      return sendJson(res, 200, listed);
    }
    case 'create': {
      const body = await readJson(req);
      validateFields(type, body, query.get('fieldValidation'), res, true);
      return sendJson(res, 201, present(createObject(store, type, r.namespace, body, dryRun)));
    }
    case 'update': {
      // The body first: an object read before awaiting it may be stale by the time it arrives.
      const body = await readJson(req);
      validateFields(type, body, query.get('fieldValidation'), res, false);
      const old = existing();
      const requireVersion = !type.strategicMerge;
      return sendJson(
        res,
        200,
        present(commitUpdate(store, type, old, body, { subresource: r.subresource, requireVersion, dryRun })),
      );
    }
    case 'patch': {
      // As the API server, apply the patch to the object as it is once the body is in: one read
      // before awaiting it would write back whatever changed meanwhile (a controller's status).
      const body = await readJson(req);
      if (isApply(req.headers['content-type'])) {
        requireFieldManager(query.get('fieldManager'));
        const live = store.get(type.kind, r.namespace, r.name!);
        const applied = applyConfiguration(live && present(live), body);
        validateFields(type, applied, query.get('fieldValidation'), res, !live);
        if (!live)
          return sendJson(res, 201, present(createObject(store, type, r.namespace, applied, dryRun)));
        return sendJson(
          res,
          200,
          present(
            commitUpdate(store, type, live, applied, {
              subresource: r.subresource,
              requireVersion: false,
              dryRun,
            }),
          ),
        );
      }
      const old = existing();
      const patched = applyPatch(req.headers['content-type'] ?? '', present(old), body, type.strategicMerge);
      validateFields(type, patched, query.get('fieldValidation'), res, false);
      return sendJson(
        res,
        200,
        present(
          commitUpdate(store, type, old, patched, {
            subresource: r.subresource,
            requireVersion: false,
            dryRun,
          }),
        ),
      );
    }
    case 'delete': {
      const options = await readDeleteOptions(req, query);
      const old = existing();
      checkPreconditions(type, old, options);
      if (dryRun) return sendJson(res, 200, present(old));
      if (type.kind === 'Pod')
        return sendJson(res, 200, present(deps.deletePod(old, options.gracePeriodSeconds)));
      const deleted = store.delete(type.kind, r.namespace, r.name!)!;
      // Pods and custom resources answer with the object; other built-in kinds with a Status.
      if (type.kind === 'Pod' || !type.strategicMerge) return sendJson(res, 200, present(deleted));
      return sendJson(res, 200, {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Success',
        details: {
          name: r.name,
          ...(type.group ? { group: type.group } : {}),
          kind: type.resource,
          uid: deleted.metadata.uid,
        },
      });
    }
  }
  throw methodNotAllowed();
}

/** A list answer, paged by `limit`/`continue` as the API server pages. */
function list(
  type: ResourceType,
  version: string,
  store: ObjectStore,
  items: KubeObject[],
  query: URLSearchParams,
): { kind: string; apiVersion: string; metadata: Record<string, unknown>; items: KubeObject[] } {
  const limit = Number(query.get('limit') ?? '0');
  let start = 0;
  const token = query.get('continue');
  if (token) {
    try {
      start = (JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { start: number }).start;
    } catch {
      throw badRequest('continue key is not valid: illegal base64 data');
    }
  }
  const page = limit > 0 ? items.slice(start, start + limit) : items.slice(start);
  const more = limit > 0 && start + limit < items.length;
  return {
    kind: type.listKind,
    apiVersion: type.group ? `${type.group}/${version}` : version,
    metadata: {
      resourceVersion: String(store.revision),
      ...(more
        ? {
            continue: Buffer.from(JSON.stringify({ start: start + limit })).toString('base64'),
            remainingItemCount: items.length - start - limit,
          }
        : {}),
    },
    items: page,
  };
}
