import type { SecretView } from './cluster-view.js';

/** When a Secret last changed, and which field said so (the row names it). */
export interface ChangedAt {
  at: number;
  source: 'managedFields' | 'refreshTime' | 'creationTimestamp';
}

const newest = (times: readonly string[]) =>
  Math.max(...times.map(Date.parse).filter((t) => !Number.isNaN(t)));

/**
 * The newest `managedFields` time (the API server stamps it on every write that changes the
 * object); without managedFields, the ExternalSecret's `status.refreshTime` (its last write of the
 * data); failing both, the Secret's creation.
 */
export function secretChangedAt(secret: SecretView, refreshTime?: string): ChangedAt | undefined {
  const managed = newest(secret.managedTimes);
  if (Number.isFinite(managed)) return { at: managed, source: 'managedFields' };
  const refreshed = Date.parse(refreshTime ?? '');
  if (!Number.isNaN(refreshed)) return { at: refreshed, source: 'refreshTime' };
  const created = Date.parse(secret.creationTimestamp ?? '');
  return Number.isNaN(created) ? undefined : { at: created, source: 'creationTimestamp' };
}
