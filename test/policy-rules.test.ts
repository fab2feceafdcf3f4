import { describe, expect, it } from 'vitest';
import { parsePolicy, runbookFor } from '../src/policy/policy.js';
import { dueState, nextRotation } from '../src/policy/due.js';
import { lastSuccess, prometheusText, rotationStats, type HistoryEntry } from '../src/policy/history.js';
import { UsageError } from '../src/errors.js';

const base = { secret_path: 'harmonyflow/redis', rotation_type: 'scheduled', rotation_period_days: 30 };

function refusal(input: unknown): UsageError {
  try {
    parsePolicy(input);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return error as UsageError;
  }
  throw new Error('expected the policy to be refused');
}

describe('policy fields and rules', () => {
  it('applies the document defaults', () => {
    expect(parsePolicy(base)).toMatchObject({
      is_active: true,
      notify_on_failure: true,
      notify_emails: [],
      max_retries: 3,
      rollback_on_failure: true,
      secret_type: 'generic',
      timezone: 'UTC',
    });
  });

  // One spelling per secret (the notes on issue 12): other spellings are refused with the one to use.
  it('refuses the secret/ and secret/data/ spellings, naming the KV path to write', () => {
    const api = refusal({ ...base, secret_path: 'secret/data/harmonyflow/redis' });
    expect(api.message).toBe(
      'policy: secret_path: "secret/data/harmonyflow/redis" is the API\'s spelling (secret/data/…), not a KV path',
    );
    expect(api.hint).toBe('give the path inside the mount "secret": harmonyflow/redis');
    const ambiguous = refusal({ ...base, secret_path: 'secret/harmonyflow/redis' });
    expect(ambiguous.message).toContain('is ambiguous: it may mean harmonyflow/redis in the mount "secret"');
    expect(ambiguous.hint).toContain('write harmonyflow/redis');
    expect(refusal({ ...base, secret_path: 'harmonyflow/redis/' }).message).toContain('ends with "/"');
  });

  it.each([
    [{ ...base, secret_path: '' }, /secret_path/],
    [{ ...base, secret_path: 'has space' }, /secret_path: a Vault KV path without spaces/],
    [{ ...base, rotation_type: 'weekly' }, /rotation_type/],
    [
      { secret_path: 'a', rotation_type: 'scheduled' },
      /rotation_period_days: required for scheduled rotation unless cron_schedule is given/,
    ],
    [{ secret_path: 'a', rotation_type: 'automatic' }, /rotation_period_days: automatic rotation needs/],
    [{ ...base, rotation_period_days: 0 }, /rotation_period_days: at least 1 day/],
    [{ ...base, rotation_period_days: 1.5 }, /rotation_period_days/],
    [{ ...base, cron_schedule: '0 2 * *' }, /cron_schedule: "0 2 \* \*" has 4 fields; a cron schedule has 5/],
    [{ ...base, cron_schedule: '0 0 2 * * *' }, /has 6 fields/],
    [{ ...base, cron_schedule: '61 2 * * *' }, /cron_schedule: "61 2 \* \* \*" is not a valid cron schedule/],
    [{ ...base, timezone: 'Mars/Olympus' }, /timezone: an IANA time zone/],
    [{ ...base, notify_emails: ['not-an-address'] }, /notify_emails.0: an e-mail address/],
    [{ ...base, max_retries: 11 }, /max_retries/],
    [{ ...base, max_retries: -1 }, /max_retries/],
    [{ ...base, secret_type: 'password' }, /secret_type/],
    [{ ...base, is_active: 'yes' }, /is_active/],
    [{ ...base, rotation_script: '/x' }, /unknown field "rotation_script"/],
  ])('refuses %j', (input, message) => {
    const error = refusal(input);
    expect(error.message).toMatch(message);
    expect(error.exitCode).toBe(2);
  });

  it('accepts a cron schedule instead of a period, and both together', () => {
    expect(
      parsePolicy({ secret_path: 'a', rotation_type: 'scheduled', cron_schedule: '0 2 1 1,4,7,10 *' })
        .cron_schedule,
    ).toBe('0 2 1 1,4,7,10 *');
    expect(
      parsePolicy({ ...base, rotation_period_days: 365, cron_schedule: '0 3 1 * *' }).rotation_period_days,
    ).toBe(365);
  });

  it('picks the runbook from the secret type unless one is named', () => {
    expect(runbookFor(parsePolicy({ ...base, secret_type: 'database' }))).toBe('postgres');
    expect(runbookFor(parsePolicy({ ...base, secret_type: 'api-key' }))).toBe('api-key');
    expect(runbookFor(parsePolicy({ ...base, runbook: 'redis' }))).toBe('redis');
  });
});

const at = (iso: string) => new Date(iso);

describe('due computation', () => {
  it('is never due for manual or inactive policies', () => {
    expect(
      dueState(
        parsePolicy({ secret_path: 'a', rotation_type: 'manual' }),
        undefined,
        at('2030-01-01T00:00:00Z'),
      ),
    ).toMatchObject({ due: false, scheduled: false });
    expect(
      dueState(
        parsePolicy({ ...base, is_active: false }),
        at('2020-01-01T00:00:00Z'),
        at('2030-01-01T00:00:00Z'),
      ),
    ).toMatchObject({ due: false, reason: 'inactive' });
  });

  it('counts a period in days from the last success, across a month end', () => {
    const policy = parsePolicy(base);
    const last = at('2026-01-31T10:00:00Z');
    expect(nextRotation(policy, last)?.toISOString()).toBe('2026-03-02T10:00:00.000Z');
    expect(dueState(policy, last, at('2026-03-02T09:59:59Z')).due).toBe(false);
    expect(dueState(policy, last, at('2026-03-02T10:00:00Z')).due).toBe(true);
  });

  it('handles leap days', () => {
    const yearly = parsePolicy({ ...base, rotation_period_days: 365 });
    expect(nextRotation(yearly, at('2028-02-28T00:00:00Z'))?.toISOString()).toBe('2029-02-27T00:00:00.000Z');
    const leapCron = parsePolicy({
      secret_path: 'a',
      rotation_type: 'scheduled',
      cron_schedule: '0 0 29 2 *',
    });
    expect(nextRotation(leapCron, at('2026-03-01T00:00:00Z'))?.toISOString()).toBe(
      '2028-02-29T00:00:00.000Z',
    );
  });

  it('takes the next cron slot after the last rotation, on month ends', () => {
    const monthly = parsePolicy({ secret_path: 'a', rotation_type: 'scheduled', cron_schedule: '0 2 1 * *' });
    expect(nextRotation(monthly, at('2026-01-31T23:00:00Z'))?.toISOString()).toBe('2026-02-01T02:00:00.000Z');
    const lastDay = parsePolicy({
      secret_path: 'a',
      rotation_type: 'scheduled',
      cron_schedule: '0 2 31 * *',
    });
    expect(nextRotation(lastDay, at('2026-01-31T03:00:00Z'))?.toISOString()).toBe('2026-03-31T02:00:00.000Z');
  });

  it('follows DST in the policy time zone: a skipped hour runs once, a repeated hour once', () => {
    const daily = parsePolicy({
      secret_path: 'a',
      rotation_type: 'scheduled',
      cron_schedule: '30 2 * * *',
      timezone: 'Europe/Berlin',
    });
    // Spring forward: 02:30 does not exist on 2026-03-29 in Berlin.
    const spring = nextRotation(daily, at('2026-03-28T02:00:00Z'))!;
    expect(spring.toISOString()).toBe('2026-03-29T01:30:00.000Z');
    // Fall back: 02:30 happens twice on 2026-10-25; the rotation falls once, then the next day.
    const fall = nextRotation(daily, at('2026-10-24T01:00:00Z'))!;
    const after = nextRotation(daily, fall)!;
    expect(after.getTime() - fall.getTime()).toBeGreaterThanOrEqual(23 * 3_600_000);
    expect(after.toISOString().slice(0, 10)).toBe('2026-10-26');
  });

  it('with a period and a cron, waits for the first slot after the period', () => {
    const policy = parsePolicy({ ...base, rotation_period_days: 365, cron_schedule: '0 3 1 * *' });
    expect(nextRotation(policy, at('2026-05-15T00:00:00Z'))?.toISOString()).toBe('2027-06-01T03:00:00.000Z');
  });

  it('counts from the policy creation when a secret never rotated, and says why', () => {
    const policy = parsePolicy({ ...base, created_at: '2026-01-01T00:00:00Z' });
    const state = dueState(policy, undefined, at('2026-02-15T00:00:00Z'));
    expect(state.due).toBe(true);
    expect(state.reason).toContain('never rotated');
    expect(state.reason).toContain('every 30 days');
  });
});

describe('history and statistics', () => {
  const entry = (
    status: HistoryEntry['status'],
    seconds: number,
    ended: string,
    drill = false,
  ): HistoryEntry => ({
    secret_path: 'a',
    session_id: ended,
    runbook: 'generic',
    environment: 'prod',
    operator: 'op@h',
    started_at: ended,
    ended_at: ended,
    duration_seconds: seconds,
    status,
    attempt: 1,
    drill,
  });

  it('computes the document statistics from runs', () => {
    const stats = rotationStats([
      entry('success', 10, '2026-01-01T00:00:00Z'),
      entry('failed', 20, '2026-01-02T00:00:00Z'),
      entry('rolled_back', 30, '2026-01-03T00:00:00Z'),
      entry('success', 40, '2026-01-04T00:00:00Z'),
    ]);
    expect(stats).toEqual({
      total_rotations: 4,
      success_count: 2,
      failed_count: 2,
      rolled_back_count: 1,
      success_rate: 0.5,
      avg_duration_seconds: 25,
    });
    expect(rotationStats([])).toMatchObject({ total_rotations: 0, success_rate: 0, avg_duration_seconds: 0 });
  });

  it('takes the last success, ignoring failures; a drill rotated the secret just as well', () => {
    const entries = [
      entry('success', 1, '2026-01-01T00:00:00Z'),
      entry('failed', 1, '2026-02-01T00:00:00Z'),
      entry('success', 1, '2026-03-01T00:00:00Z', true),
      entry('rolled_back', 1, '2026-04-01T00:00:00Z'),
    ];
    expect(lastSuccess(entries)?.toISOString()).toBe('2026-03-01T00:00:00.000Z');
  });

  it('renders Prometheus text', () => {
    const text = prometheusText(rotationStats([entry('success', 4, '2026-01-01T00:00:00Z')]), [
      { path: 'harmonyflow/redis', last: at('2026-01-01T00:00:00Z'), due: false },
    ]);
    expect(text).toContain('rotor_rotations_total{status="success"} 1');
    expect(text).toContain(
      'rotor_secret_last_rotation_timestamp_seconds{secret_path="harmonyflow/redis"} 1767225600',
    );
    expect(text).toContain('rotor_secret_rotation_due{secret_path="harmonyflow/redis"} 0');
  });
});
