import { statsFromCounts, type HistoryEntry, type RotationStats, type RotationStatus } from './history.js';

/**
 * What rotor keeps per secret beside its history: the last rotation and running counts. `rotor
 * due`, `status` and `stats` read these from a few shard entries instead of every secret's history,
 * and the counts cover every rotation ever recorded, also those past the history's cap.
 */
export interface SecretStatus {
  secret_path: string;
  /** When the latest recorded rotation ended. */
  last_at: string;
  last_status: RotationStatus;
  last_error?: string;
  last_session: string;
  /** When the latest successful rotation ended: due computation counts from here. */
  last_success?: string;
  total: number;
  success: number;
  failed: number;
  rolled_back: number;
  duration_total_seconds: number;
}

/** The part of a status due computation needs. */
export type LastRotation = Pick<SecretStatus, 'last_success' | 'last_status'>;

/** The `last` view of a status shard: each secret's LastRotation. */
export function lastView(map: Readonly<Record<string, unknown>>): Record<string, LastRotation> {
  const view: Record<string, LastRotation> = {};
  for (const [path, value] of Object.entries(map)) {
    const status = value as SecretStatus;
    view[path] =
      status.last_success === undefined
        ? { last_status: status.last_status }
        : { last_success: status.last_success, last_status: status.last_status };
  }
  return view;
}

/** Folds one more rotation into a secret's status; order of arrival does not matter. */
export function applyEntry(previous: SecretStatus | undefined, entry: HistoryEntry): SecretStatus {
  const base: SecretStatus = previous ?? {
    secret_path: entry.secret_path,
    last_at: '',
    last_status: entry.status,
    last_session: entry.session_id,
    total: 0,
    success: 0,
    failed: 0,
    rolled_back: 0,
    duration_total_seconds: 0,
  };
  const next: SecretStatus = {
    ...base,
    total: base.total + 1,
    success: base.success + (entry.status === 'success' ? 1 : 0),
    failed: base.failed + (entry.status === 'failed' ? 1 : 0),
    rolled_back: base.rolled_back + (entry.status === 'rolled_back' ? 1 : 0),
    duration_total_seconds: base.duration_total_seconds + entry.duration_seconds,
  };
  if (entry.ended_at >= base.last_at) {
    next.last_at = entry.ended_at;
    next.last_status = entry.status;
    next.last_session = entry.session_id;
    if (entry.error) next.last_error = entry.error;
    else delete next.last_error;
  }
  if (entry.status === 'success' && (base.last_success === undefined || entry.ended_at > base.last_success))
    next.last_success = entry.ended_at;
  return next;
}

/** The document's statistics over some secrets' statuses. */
export function statsOf(statuses: Iterable<SecretStatus>): RotationStats {
  let total = 0;
  let success = 0;
  let rolledBack = 0;
  let duration = 0;
  for (const s of statuses) {
    total += s.total;
    success += s.success;
    rolledBack += s.rolled_back;
    duration += s.duration_total_seconds;
  }
  return statsFromCounts(total, success, rolledBack, duration);
}

/** A stored status, or undefined when the record is missing or not one (edited by hand). */
export function decodeStatus(path: string, value: unknown): SecretStatus | undefined {
  const status = value as SecretStatus | null;
  return status &&
    typeof status === 'object' &&
    status.secret_path === path &&
    typeof status.total === 'number'
    ? status
    : undefined;
}
