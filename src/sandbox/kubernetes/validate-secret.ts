import { fieldForbidden, fieldTooLong, type FieldCause } from './status.js';
import type { KubeObject } from './store.js';

/** corev1.MaxSecretSize: the decoded bytes of all values together. */
export const MAX_SECRET_SIZE = 1024 * 1024;

const IMMUTABLE = 'field is immutable when `immutable` is set';

/**
 * ValidateSecret's size limit and ValidateSecretUpdate's immutability: an immutable Secret keeps
 * its data and stays immutable (delete and recreate it to change it).
 */
export function secretRules(secret: KubeObject, old: KubeObject | undefined): FieldCause[] {
  const causes: FieldCause[] = [];
  const data = (secret.data ?? {}) as Record<string, string>;
  const size = Object.values(data).reduce((n, v) => n + Buffer.from(v, 'base64').length, 0);
  if (size > MAX_SECRET_SIZE) causes.push(fieldTooLong('data', MAX_SECRET_SIZE));
  if (old?.immutable === true) {
    if (secret.immutable !== true) causes.push(fieldForbidden('immutable', IMMUTABLE));
    if (JSON.stringify(sorted(data)) !== JSON.stringify(sorted((old.data ?? {}) as Record<string, string>)))
      causes.push(fieldForbidden('data', IMMUTABLE));
  }
  return causes;
}

function sorted(map: Record<string, string>): Array<[string, string]> {
  return Object.entries(map).sort(([a], [b]) => a.localeCompare(b));
}
