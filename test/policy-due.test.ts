// Bulk due computation: the same answers as dueState, at a cost that does not grow with cron work.
import { describe, expect, it } from 'vitest';
import { dueStates } from '../src/policy/due-index.js';
import { dueState } from '../src/policy/due.js';
import { parsePolicy, type Policy } from '../src/policy/policy.js';
import type { SecretStatus } from '../src/policy/secret-status.js';

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number) {
  return () => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
}

const crons = [
  '0 2 * * *',
  '30 2 * * *',
  '0 3 1 * *',
  '0 2 1 1,4,7,10 *',
  '0 */6 * * *',
  '0 0 29 2 *',
  '15 4 * * 0',
  '0 2 31 * *',
];
const zones = ['UTC', 'Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe'];

function status(path: string, lastSuccess: string | undefined): SecretStatus {
  return {
    secret_path: path,
    last_at: lastSuccess ?? '2026-01-01T00:00:00.000Z',
    last_status: 'success',
    last_session: 's',
    last_success: lastSuccess,
    total: 1,
    success: 1,
    failed: 0,
    rolled_back: 0,
    duration_total_seconds: 1,
  };
}

describe('dueStates', () => {
  it('agrees with dueState for every policy: periods, crons, both, time zones, DST, never rotated', () => {
    const next = random(7);
    const now = new Date('2026-10-25T01:30:00Z'); // inside Berlin's repeated hour
    const policies: Policy[] = [];
    const statuses = new Map<string, SecretStatus>();
    for (let i = 0; i < 600; i++) {
      const kind = i % 4;
      const path = `p/${i}`;
      policies.push(
        parsePolicy({
          secret_path: path,
          rotation_type: i % 23 === 0 ? 'manual' : 'scheduled',
          is_active: i % 31 !== 0,
          ...(kind !== 1 ? { rotation_period_days: 1 + Math.floor(next() * 400) } : {}),
          ...(kind !== 0
            ? {
                cron_schedule: crons[Math.floor(next() * crons.length)],
                timezone: zones[Math.floor(next() * zones.length)],
              }
            : {}),
          created_at: new Date(now.getTime() - next() * 3 * 365 * 86_400_000).toISOString(),
        }),
      );
      if (i % 5 !== 0)
        statuses.set(
          path,
          status(path, new Date(now.getTime() - next() * 2 * 365 * 86_400_000).toISOString()),
        );
    }
    const bulk = dueStates(policies, statuses, now);
    for (const [i, item] of bulk.entries()) {
      const last = statuses.get(policies[i].secret_path)?.last_success;
      expect({ path: item.policy.secret_path, ...item.state }).toEqual({
        path: policies[i].secret_path,
        ...dueState(policies[i], last ? new Date(last) : undefined, now),
      });
    }
    const onlyDue = dueStates(policies, statuses, now, { onlyDue: true });
    expect(onlyDue.map((b) => b.state.due)).toEqual(bulk.map((b) => b.state.due));
    expect(onlyDue.filter((b) => b.state.due).map((b) => b.state)).toEqual(
      bulk.filter((b) => b.state.due).map((b) => b.state),
    );
    expect(bulk.some((b) => b.state.due)).toBe(true);
    expect(bulk.some((b) => b.state.scheduled && !b.state.due)).toBe(true);
  });

  it('takes 10,000 policies without a cron search per policy', () => {
    const now = new Date('2026-06-15T12:00:00Z');
    const policies = Array.from({ length: 10_000 }, (_, i) =>
      parsePolicy({
        secret_path: `svc/${i}`,
        rotation_type: 'scheduled',
        rotation_period_days: 30 + (i % 60),
        ...(i % 2 ? { cron_schedule: crons[i % crons.length], timezone: zones[i % zones.length] } : {}),
        created_at: new Date(now.getTime() - (i % 400) * 86_400_000).toISOString(),
      }),
    );
    const started = performance.now();
    const states = dueStates(policies, new Map(), now);
    const elapsed = performance.now() - started;
    console.log(`dueStates over 10,000 policies: ${elapsed.toFixed(0)} ms`);
    expect(states.filter((s) => s.state.due).length).toBeGreaterThan(1000);
    // Each policy's own cron-parser search would take seconds; shared on a busy machine, well under.
    expect(elapsed).toBeLessThan(3000);
  });
});
