import { createHash } from 'node:crypto';
import { groupVersions, type ResourceType } from './resources.js';
import { KIND_SCHEMAS, type FieldSchema } from './schema.js';

/** `/openapi/v3/` path of a group/version: `api/v1`, `apis/apps/v1`. */
const gvPath = (gv: string) => (gv.includes('/') ? `apis/${gv}` : `api/${gv}`);

/** Query parameters every write operation documents; kubectl looks for fieldValidation on PATCH. */
const WRITE_PARAMS = ['dryRun', 'fieldManager', 'fieldValidation'].map((name) => ({
  name,
  in: 'query',
  schema: { type: 'string', uniqueItems: true },
}));

function schemaName(type: ResourceType, version: string): string {
  if (!type.group) return `io.k8s.api.core.v1.${type.kind}`;
  if (['apps', 'batch'].includes(type.group)) return `io.k8s.api.${type.group}.${version}.${type.kind}`;
  return `${type.group.split('.').reverse().join('.')}.${version}.${type.kind}`;
}

function toOpenApi(schema: FieldSchema): Record<string, unknown> {
  if (schema === 'open') return {};
  return {
    type: 'object',
    properties: Object.fromEntries(Object.entries(schema.fields).map(([k, v]) => [k, toOpenApi(v)])),
  };
}

/** One group/version's OpenAPI v3 document: paths with their operations, and the kinds' schemas. */
function groupVersionDocument(gv: string, types: ResourceType[]): Record<string, unknown> {
  const version = gv.split('/').pop()!;
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {};
  for (const type of types) {
    const gvk = { 'x-kubernetes-group-version-kind': { group: type.group, version, kind: type.kind } };
    const ref = { $ref: `#/components/schemas/${schemaName(type, version)}` };
    const body = { content: { 'application/json': { schema: ref } } };
    const op = (action: string, params: unknown[] = []) => ({
      ...gvk,
      'x-kubernetes-action': action,
      parameters: params,
      responses: { '200': body },
    });
    const base = `/${gvPath(gv)}${type.namespaced ? '/namespaces/{namespace}' : ''}/${type.resource}`;
    paths[base] = {
      get: op('list'),
      ...(type.verbs.includes('create') ? { post: { ...op('post', WRITE_PARAMS), requestBody: body } } : {}),
    };
    paths[`${base}/{name}`] = {
      get: op('get'),
      ...(type.verbs.includes('update') ? { put: { ...op('put', WRITE_PARAMS), requestBody: body } } : {}),
      ...(type.verbs.includes('patch')
        ? { patch: op('patch', [...WRITE_PARAMS, { name: 'force', in: 'query' }]) }
        : {}),
      ...(type.verbs.includes('delete') ? { delete: op('delete') } : {}),
    };
    // No x-kubernetes-group-version-kind on the schema: the schemas do not carry patch strategies,
    // so kubectl's client-side apply keeps using its compiled-in ones, which are the real ones.
    schemas[schemaName(type, version)] = toOpenApi(KIND_SCHEMAS[type.kind] ?? 'open');
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.32.0-rotor-sandbox' },
    paths,
    components: { schemas },
  };
}

/** `/openapi/v3` (the index) and `/openapi/v3/<group-version>`; undefined for any other path. */
export function openApiV3(path: string): unknown | undefined {
  const all = groupVersions();
  if (path === '/openapi/v3' || path === '/openapi/v3/') {
    const paths: Record<string, unknown> = {};
    for (const [gv, types] of all) {
      const hash = createHash('sha512')
        .update(JSON.stringify(groupVersionDocument(gv, types)))
        .digest('hex')
        .toUpperCase();
      paths[gvPath(gv)] = { serverRelativeURL: `/openapi/v3/${gvPath(gv)}?hash=${hash}` };
    }
    return { paths };
  }
  for (const [gv, types] of all)
    if (path === `/openapi/v3/${gvPath(gv)}`) return groupVersionDocument(gv, types);
  return undefined;
}
