import { shortTime } from '../policy/policy-text.js';
import { readStatus } from '../services/rotation-reports.js';
import type { StoreHost } from '../services/stores.js';
import type { Io } from './io.js';

/** `rotor status <path>`: scheduled, last_rotated, next_rotation, and why. */
export async function statusCommand(
  host: StoreHost,
  secretPath: string,
  options: { env?: string; json?: boolean },
  io: Io,
  now = new Date(),
): Promise<number> {
  const { report } = await readStatus(host, options.env, secretPath, now);
  if (options.json) {
    io.stdout(JSON.stringify(report, null, 2));
    return 0;
  }
  const lines: Array<[string, string | undefined]> = [
    ['secret_path', report.secret_path],
    ['scheduled', String(report.scheduled)],
    ['last_rotated', report.last_rotated ? shortTime(report.last_rotated) : 'never'],
    ['next_rotation', report.next_rotation ? shortTime(report.next_rotation) : '—'],
    ['due', `${report.due ? 'yes' : 'no'}: ${report.reason}`],
    ['runbook', report.runbook],
    [
      'last_status',
      report.last_status
        ? `${report.last_status}${report.last_session ? ` (session ${report.last_session})` : ''}`
        : undefined,
    ],
    ['last_error', report.last_error],
  ];
  for (const [k, v] of lines) if (v !== undefined) io.stdout(`${k.padEnd(13)}  ${v}`);
  return 0;
}
