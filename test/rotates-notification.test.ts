// One list of what a session rotates: a failed policy run whose session rotated several secrets
// (an emergency-style runbook) names every one in its notice, not only the policy's own.
import { expect, it } from 'vitest';
import type { Notification } from '../src/policy/notification.js';
import { parsePolicy } from '../src/policy/policy.js';
import { rotatePolicy } from '../src/policy/rotate-policy.js';
import { historyEntriesOf } from '../src/policy/session-history.js';

it('the failure notice names every secret the session rotated', async () => {
  const rotates = ['harmonyflow/admin', 'harmonyflow/redis'];
  const outcome = { status: 'rolled-back', exitCode: 1, reason: 'step rotate failed: boom' } as const;
  const entries = historyEntriesOf({
    sessionId: 's-1',
    runbookId: 'emergency',
    rotates,
    inputs: {},
    environment: 'production',
    drill: false,
    operator: 'cron@node-1',
    startedAt: 0,
    endedAt: 1000,
    outcome,
    changed: true,
  });
  expect(entries.map((e) => [e.secret_path, e.status])).toEqual([
    ['harmonyflow/admin', 'rolled_back'],
    ['harmonyflow/redis', 'rolled_back'],
  ]);
  const sent: Notification[] = [];
  await rotatePolicy(parsePolicy({ secret_path: 'harmonyflow/redis', rotation_type: 'manual' }), {
    runAttempt: async () => ({ outcome, sessionId: 's-1', entry: entries[1], rotates }),
    notifier: { webhook: async (n) => void sent.push(n) },
    sleep: async () => undefined,
    backoffMs: 0,
    report: () => undefined,
  });
  expect(sent).toHaveLength(1);
  expect(sent[0].subject).toContain('rotation of harmonyflow/redis failed');
  expect(sent[0].text).toContain('Secrets:      harmonyflow/admin, harmonyflow/redis');
  expect(sent[0].payload.rotates).toEqual(rotates);
});
