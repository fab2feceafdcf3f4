import { ApiError, badRequest, unsupportedMediaType } from './status.js';

type Json = unknown;
type JsonObject = Record<string, Json>;

const isObject = (v: Json): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

export const JSON_PATCH = 'application/json-patch+json';
export const MERGE_PATCH = 'application/merge-patch+json';
export const STRATEGIC_PATCH = 'application/strategic-merge-patch+json';

/** RFC 7386: objects merge recursively, `null` deletes, anything else replaces. */
export function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return structuredClone(patch);
  const out: JsonObject = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

/**
 * Lists that the built-in types merge by a key instead of replacing (their `patchMergeKey` tags).
 * Keyed by field name: the emulator's kinds use each of these names with one meaning only.
 */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  ports: 'containerPort',
  imagePullSecrets: 'name',
  hostAliases: 'ip',
  conditions: 'type',
  ownerReferences: 'uid',
};

/** Strategic merge patch for the built-in types, with `$patch` delete/replace and `$setElementOrder`. */
export function strategicMergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return structuredClone(patch);
  if (patch.$patch === 'replace') {
    const { $patch: _, ...rest } = patch;
    return structuredClone(rest);
  }
  if (patch.$patch === 'delete') return undefined;
  const out: JsonObject = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$setElementOrder/') || key === '$retainKeys') continue;
    if (key.startsWith('$')) throw badRequest(`unknown patch directive ${key}`);
    if (value === null) {
      delete out[key];
    } else if (
      Array.isArray(value) &&
      MERGE_KEYS[key] &&
      (Array.isArray(out[key]) || out[key] === undefined)
    ) {
      out[key] = mergeList((out[key] as Json[] | undefined) ?? [], value, MERGE_KEYS[key]);
    } else {
      const merged = strategicMergePatch(out[key], value);
      if (merged === undefined) delete out[key];
      else out[key] = merged;
    }
  }
  return out;
}

function mergeList(current: Json[], patch: Json[], mergeKey: string): Json[] {
  const out = [...current];
  for (const item of patch) {
    if (!isObject(item) || item[mergeKey] === undefined)
      throw badRequest(`map: ${JSON.stringify(item)} does not contain declared merge key: ${mergeKey}`);
    const index = out.findIndex((existing) => isObject(existing) && existing[mergeKey] === item[mergeKey]);
    if (item.$patch === 'delete') {
      if (index >= 0) out.splice(index, 1);
    } else if (index >= 0) {
      out[index] = strategicMergePatch(out[index], item);
    } else {
      out.push(strategicMergePatch({}, item));
    }
  }
  return out;
}

interface Operation {
  op: string;
  path: string;
  value?: Json;
  from?: string;
}

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw badRequest(`invalid JSON pointer "${path}"`);
  return path
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Apply errors are 422 as the API server answers them; a malformed patch is 400. */
function unprocessable(message: string): ApiError {
  return new ApiError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason: 'Invalid',
    code: 422,
  });
}

function parent(doc: Json, parts: string[], path: string): { container: JsonObject | Json[]; last: string } {
  let node = doc;
  for (const part of parts.slice(0, -1)) {
    if (Array.isArray(node)) node = node[Number(part)];
    else if (isObject(node)) node = node[part];
    else node = undefined;
    if (node === undefined) throw unprocessable(`doc is missing path: "${path}": missing value`);
  }
  if (!Array.isArray(node) && !isObject(node))
    throw unprocessable(`doc is missing path: "${path}": missing value`);
  return { container: node, last: parts[parts.length - 1] };
}

function getAt(doc: Json, path: string): Json {
  let node = doc;
  for (const part of pointer(path)) {
    node = Array.isArray(node) ? node[Number(part)] : isObject(node) ? node[part] : undefined;
    if (node === undefined) throw unprocessable(`doc is missing path: "${path}": missing value`);
  }
  return node;
}

function remove(doc: Json, path: string): Json {
  const { container, last } = parent(doc, pointer(path), path);
  if (Array.isArray(container)) {
    const i = Number(last);
    if (!Number.isInteger(i) || i < 0 || i >= container.length)
      throw unprocessable(`unable to remove nonexistent key: ${last}: missing value`);
    return container.splice(i, 1)[0];
  }
  if (!(last in container)) throw unprocessable(`unable to remove nonexistent key: ${last}: missing value`);
  const value = container[last];
  delete container[last];
  return value;
}

function add(doc: Json, path: string, value: Json, replace: boolean): Json {
  const parts = pointer(path);
  if (parts.length === 0) return structuredClone(value);
  const { container, last } = parent(doc, parts, path);
  if (Array.isArray(container)) {
    const i = last === '-' ? container.length : Number(last);
    if (!Number.isInteger(i) || i < 0 || i > container.length || (replace && i >= container.length))
      throw unprocessable(`Unable to access invalid index: ${last}: invalid index referenced`);
    container.splice(i, replace ? 1 : 0, structuredClone(value));
  } else {
    if (replace && !(last in container))
      throw unprocessable(`replace operation does not apply: doc is missing key: ${path}: missing value`);
    container[last] = structuredClone(value);
  }
  return doc;
}

/** RFC 6902, all six operations. */
export function jsonPatch(target: Json, operations: Json): Json {
  if (!Array.isArray(operations))
    throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  let doc = structuredClone(target);
  for (const raw of operations as Operation[]) {
    if (!isObject(raw) || typeof raw.op !== 'string' || typeof raw.path !== 'string')
      throw badRequest('invalid JSON patch operation: needs "op" and "path"');
    switch (raw.op) {
      case 'add':
        doc = add(doc, raw.path, raw.value, false);
        break;
      case 'replace':
        doc = add(doc, raw.path, raw.value, true);
        break;
      case 'remove':
        remove(doc, raw.path);
        break;
      case 'move': {
        const v = remove(doc, raw.from ?? '');
        doc = add(doc, raw.path, v, false);
        break;
      }
      case 'copy':
        doc = add(doc, raw.path, structuredClone(getAt(doc, raw.from ?? '')), false);
        break;
      case 'test':
        if (JSON.stringify(getAt(doc, raw.path)) !== JSON.stringify(raw.value))
          throw unprocessable(`testing value ${raw.path} failed: test failed`);
        break;
      default:
        throw badRequest(`Unexpected kind: ${raw.op}`);
    }
  }
  return doc;
}

/** Applies a PATCH body by its Content-Type; anything else is 415, as the API server answers. */
export function applyPatch(contentType: string, target: Json, body: Json, strategicAllowed: boolean): Json {
  const type = contentType.split(';')[0].trim().toLowerCase();
  const accepted = [
    JSON_PATCH,
    MERGE_PATCH,
    ...(strategicAllowed ? [STRATEGIC_PATCH] : []),
    'application/apply-patch+yaml',
  ];
  if (type === JSON_PATCH) return jsonPatch(target, body);
  if (type === MERGE_PATCH) return mergePatch(target, body);
  if (type === STRATEGIC_PATCH && strategicAllowed) return strategicMergePatch(target, body);
  throw unsupportedMediaType(accepted);
}
