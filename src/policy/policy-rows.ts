import { lastRotated } from './due.js';
import type { DueItem } from './due-index.js';
import type { RotationStatus } from './history.js';
import { describeSchedule } from './policy-text.js';
import { runbookFor } from './runbook-choice.js';

/** A policy as the policies screen lists it: plain data, no Vault. */
export interface PolicyRow {
  secret_path: string;
  schedule: string;
  is_active: boolean;
  due: boolean;
  scheduled: boolean;
  next_rotation?: string;
  reason: string;
  runbook: string;
  last_status?: RotationStatus;
  last_rotated?: string;
  last_error?: string;
  /** The policy's secret does not exist in Vault. */
  secret_missing?: boolean;
}

export function policyRow(item: DueItem): PolicyRow {
  return {
    secret_path: item.policy.secret_path,
    schedule: describeSchedule(item.policy),
    is_active: item.policy.is_active,
    due: item.state.due,
    scheduled: item.state.scheduled,
    next_rotation: item.state.next?.toISOString(),
    reason: item.state.reason,
    runbook: runbookFor(item.policy),
    last_status: item.status?.last_status,
    last_rotated: lastRotated(item.status?.last_success, item.age),
    last_error: item.status?.last_error,
    ...(item.state.missing ? { secret_missing: true } : {}),
  };
}

/**
 * What needs attention first: due (longest overdue first), then policies whose secret is not in
 * Vault, then the soonest next, then the rest by path.
 */
export function dueSoonFirst(rows: readonly PolicyRow[]): PolicyRow[] {
  const rank = (r: PolicyRow) => (r.due ? 0 : r.secret_missing ? 1 : r.scheduled ? 2 : 3);
  return [...rows].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      (a.next_rotation ?? '').localeCompare(b.next_rotation ?? '') ||
      a.secret_path.localeCompare(b.secret_path),
  );
}

/** "due 3d ago", "in 5h", "in 12d": when a rotation falls, relative to now. */
export function whenText(row: PolicyRow, now: Date): string {
  if (!row.is_active) return 'inactive';
  if (row.secret_missing) return 'no secret';
  if (!row.scheduled || !row.next_rotation) return 'manual';
  const ms = Date.parse(row.next_rotation) - now.getTime();
  const span = (abs: number) =>
    abs < 3_600_000
      ? `${Math.max(1, Math.round(abs / 60_000))}m`
      : abs < 172_800_000
        ? `${Math.round(abs / 3_600_000)}h`
        : `${Math.round(abs / 86_400_000)}d`;
  return ms <= 0 ? `due ${span(-ms)} ago` : `in ${span(ms)}`;
}
