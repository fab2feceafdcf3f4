import { HOP_NAMES, type CheckRow, type CheckSummary, type HopState } from './types.js';

/** A hop's state as a gauge value (documented in docs/check.md). */
export const HOP_VALUE: Record<HopState, number> = {
  ok: 0,
  none: 0,
  drift: 1,
  overdue: 1,
  'not-judged': 2,
  unreachable: 3,
  forbidden: 4,
};

const label = (s: string) => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/** The node exporter textfile collector's format: per-secret gauges, then the run's counts. */
export function checkPrometheusText(rows: readonly CheckRow[], summary: CheckSummary, now: Date): string {
  const out: string[] = [];
  const gauge = (name: string, help: string, samples: Array<[string, number]>) => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`);
    for (const [labels, value] of samples) out.push(`${name}${labels} ${value}`);
  };
  const of = (row: CheckRow, extra = '') => `{secret_path="${label(row.secret_path)}"${extra}}`;
  gauge(
    'rotor_check_hop_state',
    'State of one hop of a secret: 0 ok or nothing to check, 1 drift or overdue, 2 not judged, 3 unreachable, 4 forbidden.',
    rows.flatMap((r) =>
      HOP_NAMES.map((h): [string, number] => [of(r, `,hop="${h}"`), HOP_VALUE[r.hops[h].state]]),
    ),
  );
  gauge(
    'rotor_check_agree',
    '1 when Vault, the Secret, the pods (and with --probe the target) agree.',
    rows.map((r) => [of(r), r.state === 'agree' ? 1 : 0]),
  );
  gauge(
    'rotor_check_secret_age_seconds',
    "Seconds since Vault wrote the secret's current version.",
    rows.filter((r) => r.age_seconds !== undefined).map((r) => [of(r), r.age_seconds!]),
  );
  gauge(
    'rotor_check_overdue_seconds',
    "Seconds past the rotation policy's next rotation (0 when not due).",
    rows.filter((r) => r.overdue_seconds !== undefined).map((r) => [of(r), r.overdue_seconds!]),
  );
  const states = ['agree', 'drift', 'overdue', 'unreachable', 'forbidden', 'not_judged'] as const;
  gauge(
    'rotor_check_secrets',
    'Secrets checked, by state.',
    states.map((s) => [`{state="${s}"}`, summary[s]]),
  );
  gauge('rotor_check_last_run_timestamp_seconds', 'When this check ran.', [
    ['', Math.floor(now.getTime() / 1000)],
  ]);
  return `${out.join('\n')}\n`;
}
