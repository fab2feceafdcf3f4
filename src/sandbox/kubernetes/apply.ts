import { parse } from 'yaml';
import { mergePatch } from './patch.js';
import { badRequest, fieldRequired } from './status.js';
import { ApiError } from './status.js';
import type { KubeObject } from './store.js';

/** The media type of a server-side apply (`kubectl apply --server-side`). */
export const APPLY_PATCH = 'application/apply-patch+yaml';

/** Whether a PATCH is a server-side apply. */
export const isApply = (contentType: string | undefined): boolean =>
  (contentType ?? '').split(';')[0].trim().toLowerCase() === APPLY_PATCH;

/** An apply body: YAML or JSON (JSON is YAML), one object. */
export function parseApplyBody(raw: string): unknown {
  try {
    return parse(raw);
  } catch (error) {
    throw badRequest(`error decoding YAML: ${(error as Error).message}`);
  }
}

/** ValidatePatchOptions: an apply names its field manager, else 422 on PatchOptions. */
export function requireFieldManager(fieldManager: string | null): void {
  if (fieldManager) return;
  const cause = fieldRequired('fieldManager', 'is required for apply patch');
  throw new ApiError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `PatchOptions.meta.k8s.io "" is invalid: fieldManager: ${cause.message}`,
    reason: 'Invalid',
    details: { group: 'meta.k8s.io', kind: 'PatchOptions', causes: [cause] },
    code: 422,
  });
}

/**
 * The applied configuration over the live object. The emulator keeps no managedFields: the
 * applied fields win (as with `force`), lists are replaced whole, and fields an earlier apply set
 * but this one omits stay; the object is created when it does not exist, as an apply does.
 */
export function applyConfiguration(live: KubeObject | undefined, applied: unknown): unknown {
  if (!applied || typeof applied !== 'object' || Array.isArray(applied))
    throw badRequest('the apply body must be one object');
  if (!live) return applied;
  const withoutNulls = JSON.parse(JSON.stringify(applied, (_k, v) => (v === null ? undefined : v)));
  return mergePatch(live, withoutNulls);
}
