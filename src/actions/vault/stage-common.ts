import { kvLocationParams, locate } from './common.js';
import { kvPathParam } from './params.js';
import type { KvLocation } from '../../ports/vault-port.js';

/**
 * Staged rotation. The new value goes to a pending path in Vault before any target is touched,
 * and reaches the path External Secrets reads only after the target accepted and verified it.
 * A crash in between therefore never leaves a credential that only the target knows.
 */

/** The secret and where its staged value waits, taken by both staging steps. */
export const stagingParams = {
  ...kvLocationParams,
  /** Where the staged value waits; default `<path>.pending` beside the secret. */
  pending_path: kvPathParam.optional(),
};

/** Where the staged value of a secret waits. */
export function pendingOf(p: { path: string; mount?: string; pending_path?: string }): KvLocation {
  const at = locate(p);
  return p.pending_path
    ? locate({ path: p.pending_path, mount: at.mount })
    : { mount: at.mount, path: `${at.path}.pending` };
}
