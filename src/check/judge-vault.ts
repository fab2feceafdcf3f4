import { dueState } from '../policy/due.js';
import type { Policy } from '../policy/policy.js';
import { shortDuration } from './duration-text.js';
import type { Hop } from './types.js';

/** What reading a path from Vault gave. The data stays in memory: it is compared, never shown. */
export type VaultRead =
  | { kind: 'ok'; version: number; createdTime: string; data: Readonly<Record<string, unknown>> }
  | { kind: 'missing' | 'forbidden' | 'unreachable'; why: string };

/** The Vault hop: current version, its age, and the policy's due state. */
export interface VaultVerdict {
  hop: Hop;
  age_seconds?: number;
  overdue_seconds?: number;
}

/**
 * Judges the Vault hop. A secret is overdue when its policy's next rotation (counted from the
 * last successful rotation, else from when Vault wrote the current version) has passed.
 */
export function judgeVault(
  read: VaultRead,
  policy: Policy | undefined,
  lastSuccess: Date | undefined,
  now: Date,
): VaultVerdict {
  if (read.kind !== 'ok')
    return {
      hop:
        read.kind === 'missing'
          ? { state: 'unreachable', detail: `not in Vault: ${read.why}` }
          : { state: read.kind, detail: read.why },
    };
  const created = Date.parse(read.createdTime);
  const age_seconds = Number.isNaN(created) ? undefined : Math.floor((now.getTime() - created) / 1000);
  const ageText = age_seconds === undefined ? 'age unknown' : `${shortDuration(age_seconds)} old`;
  const facts = { version: read.version, created_time: read.createdTime };
  if (!policy)
    return { hop: { state: 'ok', detail: `v${read.version}, ${ageText}, no policy`, facts }, age_seconds };
  const due = dueState(
    policy,
    lastSuccess,
    now,
    undefined,
    Number.isNaN(created)
      ? { kind: 'unknown', why: 'no creation time' }
      : { kind: 'written', created_time: new Date(created).toISOString(), version: read.version },
  );
  if (!due.due || !due.next)
    return {
      hop: { state: 'ok', detail: `v${read.version}, ${ageText}`, facts: { ...facts, due: due.reason } },
      age_seconds,
      overdue_seconds: 0,
    };
  const overdue_seconds = Math.max(0, Math.floor((now.getTime() - due.next.getTime()) / 1000));
  return {
    hop: {
      state: 'overdue',
      detail: `v${read.version}, ${ageText}, overdue ${shortDuration(overdue_seconds)}`,
      facts: { ...facts, due: due.reason },
    },
    age_seconds,
    overdue_seconds,
  };
}
