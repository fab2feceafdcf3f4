// Finding 10 of the security review: "notice not sent" printed the whole webhook URL, and the path
// of a Slack or Teams hook is its credential. Only the origin may reach output, journal or errors.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotifier } from '../../src/adapters/notifier.js';
import { fetchHttp } from '../../src/adapters/http.js';
import { describeError } from '../../src/errors.js';
import type { HistoryEntry } from '../../src/policy/history.js';
import { failureNotification } from '../../src/policy/notification.js';
import { parsePolicy } from '../../src/policy/policy.js';
import { rotatePolicy } from '../../src/policy/rotate-policy.js';
import { freePort } from '../support/free-port.js';

const CANARY = 'T0CANARY/B0CANARY/hookcanaryXq93';
const entry: HistoryEntry = {
  secret_path: 'app/db',
  session_id: '20261204-120000-abcd',
  runbook: 'generic',
  environment: 'production',
  operator: 'cron@node-1',
  started_at: '2026-12-04T12:00:00.000Z',
  ended_at: '2026-12-04T12:01:00.000Z',
  duration_seconds: 60,
  status: 'rolled_back',
  attempt: 1,
  error: 'step write failed',
  drill: false,
};
const notice = failureNotification(entry, { attempts: 1, maxRetries: 0, nextStep: 'x' });

/** A hook that is there but refuses every notice. */
const failing = createServer((_req, res) => res.writeHead(500).end('{"error":"channel_is_archived"}'));
let failingOrigin = '';
beforeAll(async () => {
  await new Promise<void>((r) => failing.listen(0, '127.0.0.1', r));
  failingOrigin = `http://127.0.0.1:${(failing.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => failing.close(() => r())));

/** What the operator would read for a webhook notice that failed. */
async function failureText(webhookUrl: string): Promise<string> {
  const error = await createNotifier({ webhookUrl }, fetchHttp).webhook!(notice).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'the notice was expected to fail').toBeDefined();
  return describeError(error);
}

describe('a webhook URL is printed as its origin only', () => {
  it('when the hook answers an error status', async () => {
    const text = await failureText(`${failingOrigin}/services/${CANARY}`);
    expect(text).toContain(`the failure webhook at ${failingOrigin} answered 500`);
    expect(text).not.toContain('CANARY');
  });

  it('when nothing listens there', async () => {
    const origin = `http://127.0.0.1:${await freePort()}`;
    const text = await failureText(`${origin}/services/${CANARY}`);
    expect(text).toContain(`POST ${origin} failed: ECONNREFUSED`);
    expect(text).not.toContain('CANARY');
  });

  it('when the URL cannot be parsed (fetch quotes it whole)', async () => {
    const text = await failureText(`http://hooks.example.com:99999/services/${CANARY}`);
    expect(text).toContain('http://hooks.example.com:99999');
    expect(text).not.toContain('CANARY');
  });

  it('in the "notice not sent" line of a failed rotation', async () => {
    const policy = parsePolicy({ secret_path: 'app/db', rotation_type: 'manual', max_retries: 0 });
    const result = await rotatePolicy(policy, {
      runAttempt: async () => ({
        outcome: { status: 'rolled-back', exitCode: 1, reason: 'step write failed' },
        sessionId: entry.session_id,
        entry,
      }),
      notifier: createNotifier({ webhookUrl: `${failingOrigin}/services/${CANARY}` }, fetchHttp),
      sleep: async () => undefined,
      backoffMs: 0,
      report: () => undefined,
    });
    expect(result.notified).toEqual([]);
    expect(result.notifyErrors.join('\n')).toContain(`webhook: the failure webhook at ${failingOrigin}`);
    expect(result.notifyErrors.join('\n')).not.toContain('CANARY');
  });
});
