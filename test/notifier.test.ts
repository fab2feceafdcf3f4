import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotifier } from '../src/adapters/notifier.js';
import { fetchHttp } from '../src/adapters/http.js';
import { failureNotification } from '../src/policy/notification.js';
import type { HistoryEntry } from '../src/policy/history.js';

const entry: HistoryEntry = {
  secret_path: 'harmonyflow/redis',
  session_id: '20261123-120000-abcd',
  runbook: 'redis',
  environment: 'production',
  operator: 'cron@node-1',
  started_at: '2026-11-23T12:00:00.000Z',
  ended_at: '2026-11-23T12:01:00.000Z',
  duration_seconds: 60,
  status: 'rolled_back',
  attempt: 3,
  error: 'step set-redis failed: 127.0.0.1:6390 refused CONFIG SET',
  drill: false,
};

let mails: Array<{ to: string[]; body: string }> = [];
const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  onData(stream, session, callback) {
    let body = '';
    stream.on('data', (d: Buffer) => (body += d.toString()));
    stream.on('end', () => {
      // Undo quoted-printable soft line breaks so assertions read the text as sent.
      mails.push({
        to: session.envelope.rcptTo.map((r) => r.address),
        body: body.replace(/=\r?\n/g, '').replace(/=3D/g, '='),
      });
      callback();
    });
  },
});
let smtpPort = 0;
const hooks: unknown[] = [];
const hookServer = createServer((req, res) => {
  let body = '';
  req.on('data', (d: Buffer) => (body += d.toString()));
  req.on('end', () => {
    hooks.push(JSON.parse(body));
    res.writeHead(204).end();
  });
});

beforeAll(async () => {
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
  smtpPort = (smtp.server.address() as AddressInfo).port;
  await new Promise<void>((r) => hookServer.listen(0, '127.0.0.1', r));
});
afterAll(async () => {
  await new Promise<void>((r) => smtp.close(() => r()));
  await new Promise<void>((r) => hookServer.close(() => r()));
});

describe('failure notifications', () => {
  it('sends an e-mail through a real SMTP server with the facts and the next step', async () => {
    mails = [];
    const notifier = createNotifier(
      { smtpUrl: `smtp://127.0.0.1:${smtpPort}`, from: 'rotor@example.com' },
      fetchHttp,
    );
    const notice = failureNotification(entry, {
      attempts: 3,
      maxRetries: 2,
      nextStep: 'the old credential is back in place; look at the error, then run rotor run redis again',
    });
    await notifier.email!(['oncall@example.com', 'dba@example.com'], notice);
    expect(mails).toHaveLength(1);
    expect(mails[0].to).toEqual(['oncall@example.com', 'dba@example.com']);
    expect(mails[0].body).toContain(
      'Subject: [rotor] rotation of harmonyflow/redis failed and was rolled back',
    );
    expect(mails[0].body).toContain('Attempts:     3 of 3');
    expect(mails[0].body).toContain('rotor sessions show 20261123-120000-abcd --markdown');
  });

  it('posts the same facts as JSON to a webhook', async () => {
    const url = `http://127.0.0.1:${(hookServer.address() as AddressInfo).port}/hook`;
    const notifier = createNotifier({ webhookUrl: url }, fetchHttp);
    await notifier.webhook!(failureNotification(entry, { attempts: 1, maxRetries: 0, nextStep: 'x' }));
    expect(hooks.at(-1)).toMatchObject({
      event: 'rotation_failed',
      secret_path: 'harmonyflow/redis',
      status: 'rolled_back',
      session_id: entry.session_id,
    });
  });

  it('says which SMTP server failed, without its credentials, when it is down', async () => {
    const notifier = createNotifier({ smtpUrl: 'smtp://rotor:hunter2-canary@127.0.0.1:1' }, fetchHttp);
    const error = await notifier.email!(
      ['a@b.c'],
      failureNotification(entry, { attempts: 1, maxRetries: 0, nextStep: 'x' }),
    ).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(
      /could not send the failure e-mail through SMTP at 127\.0\.0\.1:1/,
    );
    expect((error as Error).message).not.toContain('hunter2-canary');
  });
});
