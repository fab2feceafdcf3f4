/** How one rotation ended, in the rotation-policy document's words. */
export type RotationStatus = 'success' | 'failed' | 'rolled_back';

/** One rotation as it actually ran: written by runs, never by hand. */
export interface HistoryEntry {
  secret_path: string;
  session_id: string;
  runbook: string;
  environment: string;
  operator: string;
  started_at: string;
  ended_at: string;
  duration_seconds: number;
  status: RotationStatus;
  /** Which attempt of the policy's max_retries this was (1-based). */
  attempt: number;
  error?: string;
  drill: boolean;
}

/** The rotation-policy document's statistics. */
export interface RotationStats {
  total_rotations: number;
  success_count: number;
  failed_count: number;
  rolled_back_count: number;
  success_rate: number;
  avg_duration_seconds: number;
}

/** Maps an engine outcome to the document's status: rolled back is a failure that was undone. */
export function statusOf(outcome: { status: string }): RotationStatus {
  if (outcome.status === 'succeeded') return 'success';
  if (outcome.status === 'rolled-back') return 'rolled_back';
  return 'failed';
}

export function rotationStats(entries: readonly HistoryEntry[]): RotationStats {
  const total = entries.length;
  const success = entries.filter((e) => e.status === 'success').length;
  const rolledBack = entries.filter((e) => e.status === 'rolled_back').length;
  const duration = entries.reduce((sum, e) => sum + e.duration_seconds, 0);
  return statsFromCounts(total, success, rolledBack, duration);
}

/**
 * The last successful rotation of a secret, which due computation counts from. Drills count: a
 * rehearsal against staging rotated the secret just as well, and a sandbox's history holds
 * nothing but drills.
 */
export function lastSuccess(entries: readonly HistoryEntry[]): Date | undefined {
  let last: number | undefined;
  for (const e of entries) {
    if (e.status !== 'success') continue;
    const t = Date.parse(e.ended_at);
    if (last === undefined || t > last) last = t;
  }
  return last === undefined ? undefined : new Date(last);
}

/** The document's statistics from counts, whether counted from entries or kept as running totals. */
export function statsFromCounts(
  total: number,
  success: number,
  rolledBack: number,
  durationSeconds: number,
): RotationStats {
  return {
    total_rotations: total,
    success_count: success,
    failed_count: total - success,
    rolled_back_count: rolledBack,
    success_rate: total === 0 ? 0 : success / total,
    avg_duration_seconds: total === 0 ? 0 : durationSeconds / total,
  };
}

/** Prometheus text exposition for node exporter's textfile collector. */
export function prometheusText(
  stats: RotationStats,
  perSecret: ReadonlyArray<{ path: string; last?: Date; next?: Date; due: boolean }>,
): string {
  const lines = [
    '# HELP rotor_rotations_total Rotations recorded, by outcome.',
    '# TYPE rotor_rotations_total counter',
    `rotor_rotations_total{status="success"} ${stats.success_count}`,
    `rotor_rotations_total{status="failed"} ${stats.failed_count - stats.rolled_back_count}`,
    `rotor_rotations_total{status="rolled_back"} ${stats.rolled_back_count}`,
    '# HELP rotor_rotation_success_ratio Successful rotations over all rotations.',
    '# TYPE rotor_rotation_success_ratio gauge',
    `rotor_rotation_success_ratio ${stats.success_rate}`,
    '# HELP rotor_rotation_duration_seconds_avg Average rotation duration.',
    '# TYPE rotor_rotation_duration_seconds_avg gauge',
    `rotor_rotation_duration_seconds_avg ${stats.avg_duration_seconds}`,
    '# HELP rotor_secret_last_rotation_timestamp_seconds Last successful rotation per secret.',
    '# TYPE rotor_secret_last_rotation_timestamp_seconds gauge',
    ...perSecret
      .filter((s) => s.last)
      .map(
        (s) =>
          `rotor_secret_last_rotation_timestamp_seconds{secret_path="${escapeLabel(s.path)}"} ${Math.floor(s.last!.getTime() / 1000)}`,
      ),
    '# HELP rotor_secret_rotation_due Whether a secret is due for rotation (1) or not (0).',
    '# TYPE rotor_secret_rotation_due gauge',
    ...perSecret.map(
      (s) => `rotor_secret_rotation_due{secret_path="${escapeLabel(s.path)}"} ${s.due ? 1 : 0}`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
