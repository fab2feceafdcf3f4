// The policies screen over plain data: what is due soon, last status, one secret's history.
import { afterEach, describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../src/policy/history.js';
import { dueSoonFirst, whenText, type PolicyRow } from '../src/policy/policy-rows.js';
import { PoliciesScreen } from '../src/ui/policies-screen.js';
import { windowStart } from '../src/ui/policies-list.js';
import { keys, renderTui, waitForFrame, type Rendered } from './support/ui-render.js';

const now = new Date('2026-03-10T12:00:00Z');

function row(path: string, extra: Partial<PolicyRow> = {}): PolicyRow {
  return {
    secret_path: path,
    schedule: 'every 30 days',
    is_active: true,
    due: false,
    scheduled: true,
    next_rotation: '2026-03-15T12:00:00.000Z',
    reason: 'next 2026-03-15T12:00:00.000Z (every 30 days; last rotated …)',
    runbook: 'generic',
    last_status: 'success',
    last_rotated: '2026-02-13T12:00:00.000Z',
    ...extra,
  };
}

const rows = dueSoonFirst([
  row('harmonyflow/redis'),
  row('harmonyflow/postgresql', {
    due: true,
    next_rotation: '2026-03-07T12:00:00.000Z',
    reason: 'due since 2026-03-07T12:00:00.000Z (every 30 days; last rotated 2026-02-05)',
    last_status: 'rolled_back',
    runbook: 'postgres',
  }),
  row('harmonyflow/admin', {
    scheduled: false,
    next_rotation: undefined,
    reason: 'manual: rotated only when an operator runs it',
    schedule: 'manual',
    last_status: undefined,
  }),
  row('harmonyflow/jwt', { next_rotation: '2026-03-10T17:00:00.000Z' }),
]);

const history: HistoryEntry[] = [
  {
    secret_path: 'harmonyflow/postgresql',
    session_id: '20260307-120001-aaaa',
    runbook: 'postgres',
    environment: 'staging',
    operator: 'cron@node-1',
    started_at: '2026-03-07T12:00:01.000Z',
    ended_at: '2026-03-07T12:00:13.000Z',
    duration_seconds: 12,
    status: 'rolled_back',
    attempt: 2,
    error: 'step verify failed: login refused',
    drill: false,
  },
  {
    secret_path: 'harmonyflow/postgresql',
    session_id: '20260205-120001-bbbb',
    runbook: 'postgres',
    environment: 'staging',
    operator: 'cron@node-1',
    started_at: '2026-02-05T12:00:01.000Z',
    ended_at: '2026-02-05T12:00:09.000Z',
    duration_seconds: 8,
    status: 'success',
    attempt: 1,
    drill: false,
  },
];

let screen: Rendered | undefined;
afterEach(() => screen?.unmount());

describe('policy rows', () => {
  it('puts what is due first, then the soonest, then manual ones', () => {
    expect(rows.map((r) => r.secret_path)).toEqual([
      'harmonyflow/postgresql',
      'harmonyflow/jwt',
      'harmonyflow/redis',
      'harmonyflow/admin',
    ]);
    expect(rows.map((r) => whenText(r, now))).toEqual(['due 3d ago', 'in 5h', 'in 5d', 'manual']);
    expect(whenText(row('x', { is_active: false }), now)).toBe('inactive');
  });

  it('shows a policy whose secret is not in Vault as such, right after what is due', () => {
    const missing = row('harmonyflow/gone', {
      next_rotation: undefined,
      secret_missing: true,
      reason: 'secret not found in Vault (nothing at secret/harmonyflow/gone)',
    });
    expect(whenText(missing, now)).toBe('no secret');
    expect(dueSoonFirst([...rows, missing]).map((r) => r.secret_path)).toEqual([
      'harmonyflow/postgresql',
      'harmonyflow/gone',
      'harmonyflow/jwt',
      'harmonyflow/redis',
      'harmonyflow/admin',
    ]);
  });

  it('scrolls so the selection stays in view', () => {
    expect(windowStart(5, 4, 10)).toBe(0);
    expect(windowStart(100, 0, 10)).toBe(0);
    expect(windowStart(100, 50, 10)).toBe(47);
    expect(windowStart(100, 99, 10)).toBe(90);
  });
});

describe('PoliciesScreen', () => {
  it("lists what is due soon with the last status, and the selected policy's reason", async () => {
    screen = renderTui(
      <PoliciesScreen environment="staging" rows={rows} now={now} loadHistory={async () => []} />,
    );
    const frame = await waitForFrame(screen.lastFrame, 'Rotation policies');
    expect(frame).toContain('Rotation policies in staging · 1 due · 4 policies');
    expect(frame).toMatch(/› harmonyflow\/postgresql\s+due 3d ago\s+rolled_back\s+postgres/);
    expect(frame).toMatch(/harmonyflow\/admin\s+manual\s+never/);
    expect(frame).toContain('due since 2026-03-07T12:00:00.000Z');
  });

  it("moves with the arrows and opens one secret's history with Enter, Esc back", async () => {
    const asked: string[] = [];
    screen = renderTui(
      <PoliciesScreen
        environment="staging"
        rows={rows}
        now={now}
        loadHistory={async (p) => (asked.push(p), history)}
        width={120}
      />,
      { columns: 120 },
    );
    await waitForFrame(screen.lastFrame, '› harmonyflow/postgresql');
    screen.stdin.write(keys.down);
    await waitForFrame(screen.lastFrame, '› harmonyflow/jwt');
    screen.stdin.write(keys.up);
    await waitForFrame(screen.lastFrame, '› harmonyflow/postgresql');
    screen.stdin.write(keys.enter);
    const frame = await waitForFrame(screen.lastFrame, 'step verify failed');
    expect(asked).toEqual(['harmonyflow/postgresql']);
    expect(frame).toContain('History of harmonyflow/postgresql');
    expect(frame).toMatch(
      /2026-03-07 12:00:13\s+rolled_back\s+12\.0s\s+2\s+20260307-120001-aaaa\s+step verify failed: login refused/,
    );
    expect(frame).toMatch(/2026-02-05 12:00:09\s+success\s+8\.0s\s+1/);
    screen.stdin.write(keys.escape);
    await waitForFrame(screen.lastFrame, '› harmonyflow/postgresql');
  });

  it('says when the history cannot be read, and when there are no policies', async () => {
    screen = renderTui(
      <PoliciesScreen
        environment="prod"
        rows={rows}
        now={now}
        loadHistory={async () => Promise.reject(new Error('Vault is sealed (503)'))}
      />,
    );
    await waitForFrame(screen.lastFrame, '› harmonyflow/postgresql');
    screen.stdin.write(keys.enter);
    await waitForFrame(screen.lastFrame, 'could not read the history: Vault is sealed (503)');
    screen.unmount();
    screen = renderTui(
      <PoliciesScreen environment="prod" rows={[]} now={now} loadHistory={async () => []} />,
    );
    await waitForFrame(screen.lastFrame, 'no rotation policies yet');
  });

  it('keeps 1,000 policies to the rows that fit, with a position', async () => {
    const many = Array.from({ length: 1000 }, (_, i) => row(`team/app-${String(i).padStart(4, '0')}`));
    screen = renderTui(
      <PoliciesScreen environment="prod" rows={many} now={now} loadHistory={async () => []} limit={10} />,
    );
    const frame = await waitForFrame(screen.lastFrame, '1–10 of 1000');
    expect(frame.split('\n').length).toBeLessThan(20);
  });
});
