// Rotation policies through the built CLI, against a Vault emulator as a real environment
// (`--env local` with VAULT_ADDR): real failing runs, retries, rollback, e-mail and webhook.
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startVaultEmulator, type VaultEmulator } from '../src/sandbox/vault/index.js';
import { runCli, tempHome } from './support/cli.js';

let vault: VaultEmulator;
let smtpPort = 0;
let hookPort = 0;
let mails: Array<{ to: string[]; body: string }> = [];
let hooks: Array<Record<string, unknown>> = [];
const dir = mkdtempSync(join(tmpdir(), 'rotor-policy-cli-'));
const script = (name: string, body: string) => {
  const file = join(dir, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
};
// The rotation script keeps what it was given, so the test knows the new value (and can prove no notice holds it).
const ok = script('rotate.sh', `cat > "${dir}/given-$$.json"\necho "applied the new value for $1"`);
const verifyFails = script(
  'verify-fails.sh',
  'cat >/dev/null\necho "login with the new value refused" >&2\nexit 1',
);
const rotateFails = script(
  'rotate-fails.sh',
  `cat > "${dir}/given-$$.json"\necho "the target refused the new value" >&2\nexit 1`,
);

const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  onData(stream, session, callback) {
    let body = '';
    stream.on('data', (d: Buffer) => (body += d.toString()));
    stream.on('end', () => {
      mails.push({
        to: session.envelope.rcptTo.map((r) => r.address),
        body: body.replace(/=\r?\n/g, '').replace(/=3D/g, '='),
      });
      callback();
    });
  },
});
const hookServer = createServer((req, res) => {
  let body = '';
  req.on('data', (d: Buffer) => (body += d.toString()));
  req.on('end', () => {
    hooks.push(JSON.parse(body) as Record<string, unknown>);
    res.writeHead(204).end();
  });
});

beforeAll(async () => {
  vault = await startVaultEmulator();
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
  smtpPort = (smtp.server.address() as AddressInfo).port;
  await new Promise<void>((r) => hookServer.listen(0, '127.0.0.1', r));
  hookPort = (hookServer.address() as AddressInfo).port;
});
afterAll(async () => {
  await vault?.close();
  await new Promise<void>((r) => smtp.close(() => r()));
  await new Promise<void>((r) => hookServer.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

let prefixes = 0;
/** A fresh ROTOR_HOME and store prefix, so tests share the emulator but not their policies. */
function setup(): Record<string, string> {
  const { home, cleanup } = tempHome();
  cleanups.push(cleanup);
  mails = [];
  hooks = [];
  return {
    ROTOR_HOME: home,
    VAULT_ADDR: vault.url,
    VAULT_TOKEN: vault.rootToken,
    ROTOR_STORE_PREFIX: `rotor-cli-${++prefixes}`,
    ROTOR_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
    ROTOR_SMTP_FROM: 'rotor@example.com',
    ROTOR_WEBHOOK_URL: `http://127.0.0.1:${hookPort}/rotor`,
    ROTOR_RETRY_DELAY: '50ms',
  };
}

const rotor = (args: string[], env: Record<string, string>) => runCli([...args, '--env', 'local'], env);
const json = <T>(text: string): T => JSON.parse(text) as T;

/** Adds a policy, which must work. */
async function add(file: string, env: Record<string, string>): Promise<void> {
  const r = await rotor(['policy', 'add', '--file', file], env);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
}

/** A secret last written long ago (Vault's metadata says so), so a policy on it is due at once. */
function oldSecret(path: string, data: Record<string, unknown>): void {
  vault.kvWrite(path, data, { createdTime: Date.parse('2025-12-01T00:00:00Z') });
}

/** A policy file that is due now: created long ago, never rotated. */
function duePolicy(path: string, fields: Record<string, unknown>): string {
  const file = join(dir, `${path.replace(/\W/g, '-')}-${prefixes}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      secret_path: path,
      rotation_type: 'scheduled',
      rotation_period_days: 30,
      created_at: '2026-01-01T00:00:00Z',
      ...fields,
    }),
  );
  return file;
}

describe('rotor policy add', () => {
  it.each([
    [['--rotation-type', 'weekly'], /policy: rotation_type: /],
    [
      ['--rotation-type', 'scheduled'],
      /policy: rotation_period_days: required for scheduled rotation unless cron_schedule is given/,
    ],
    [
      ['--rotation-type', 'scheduled', '--cron-schedule', '0 2 * *'],
      /policy: cron_schedule: "0 2 \* \*" has 4 fields; a cron schedule has 5/,
    ],
    [
      ['--rotation-type', 'scheduled', '--rotation-period-days', 'ninety'],
      /policy: rotation_period_days: "ninety" is not a whole number/,
    ],
    [
      ['--rotation-type', 'manual', '--notify-emails', 'oncall'],
      /policy: notify_emails\.0: an e-mail address/,
    ],
    [['--rotation-type', 'manual', '--max-retries', '11'], /policy: max_retries: /],
    [['--rotation-type', 'manual', '--timezone', 'Mars/Olympus'], /policy: timezone: an IANA time zone/],
    [
      ['--rotation-type', 'manual', '--rotation-script-path', ok, '--input', 'colour=blue'],
      /policy: inputs\.colour: runbook custom-script has no input "colour"/,
    ],
    [
      ['--rotation-type', 'manual', '--runbook', 'demo'],
      /policy: runbook: runbook demo has no secret_path input/,
    ],
    [
      ['--rotation-type', 'manual', '--rotation-script-path', ok, '--input', 'pass=argv'],
      /policy: inputs\.pass: "argv" is not one of stdin, env/,
    ],
  ])('refuses %j with exit 2, naming the field and the rule, and stores nothing', async (flags, message) => {
    const env = setup();
    const r = await rotor(['policy', 'add', 'app/db', ...flags], env);
    expect(r.stderr).toMatch(message);
    expect(r.code).toBe(2);
    expect(json<unknown[]>((await rotor(['policy', 'list', '--json'], env)).stdout)).toEqual([]);
  });

  it('adds from flags and from a file, lists, shows, disables, enables and removes', async () => {
    const env = setup();
    const added = await rotor(
      [
        'policy',
        'add',
        'app/db',
        '--rotation-type',
        'scheduled',
        '--cron-schedule',
        '0 2 1 * *',
        '--timezone',
        'Europe/Berlin',
        '--notify-emails',
        'dba@example.com,oncall@example.com',
        '--max-retries',
        '1',
        '--no-rollback-on-failure',
        '--rotation-script-path',
        ok,
      ],
      env,
    );
    expect(added.stderr).toBe('');
    expect(added.stdout).toContain(
      'added the rotation policy of app/db in local: cron 0 2 1 * * (Europe/Berlin), runbook custom-script',
    );
    const file = join(dir, 'api.yaml');
    writeFileSync(
      file,
      'secret_path: app/api-key\nrotation_type: automatic\nrotation_period_days: 30\nnotify_on_failure: false\nrotation_script_path: /opt/rotate.sh\n',
    );
    expect((await rotor(['policy', 'add', '--file', file, '--max-retries', '0'], env)).code).toBe(0);
    const list = json<Array<Record<string, unknown>>>(
      (await rotor(['policy', 'list', '--json'], env)).stdout,
    );
    expect(
      list.map((p) => [p.secret_path, p.max_retries, p.rollback_on_failure, p.notify_on_failure]),
    ).toEqual([
      ['app/api-key', 0, true, false],
      ['app/db', 1, false, true],
    ]);
    const table = (await rotor(['policy', 'list'], env)).stdout;
    expect(table).toMatch(/app\/db\s+scheduled\s+cron 0 2 1 \* \* \(Europe\/Berlin\)\s+yes\s+custom-script/);
    expect((await rotor(['policy', 'disable', 'app/db'], env)).stdout).toContain(
      'app/db: rotation disabled in local',
    );
    const shown = (await rotor(['policy', 'show', 'app/db'], env)).stdout;
    expect(shown).toMatch(/is_active\s+false/);
    expect(shown).toMatch(/notify_emails\s+dba@example.com, oncall@example.com/);
    expect((await rotor(['status', 'app/db', '--json'], env)).stdout).toContain('"reason": "inactive"');
    await rotor(['policy', 'enable', 'app/db'], env);
    expect((await rotor(['policy', 'remove', 'app/api-key'], env)).code).toBe(0);
    const gone = await rotor(['policy', 'show', 'app/api-key'], env);
    expect([gone.code, gone.stderr]).toEqual([
      2,
      expect.stringContaining('no rotation policy for app/api-key'),
    ]);
    expect(json<unknown[]>((await rotor(['policy', 'list', '--json'], env)).stdout)).toHaveLength(1);
  });
});

describe('rotor run --due', () => {
  it('rotates a due secret with its script: recorded as a success, no longer due, Vault at the new value', async () => {
    const env = setup();
    oldSecret('app/ok', { password: 'the-old-password', username: 'app' });
    await add(duePolicy('app/ok', { rotation_script_path: ok }), env);
    const due = json<Array<{ secret_path: string; reason: string }>>(
      (await rotor(['due', '--json'], env)).stdout,
    );
    expect(due).toEqual([
      expect.objectContaining({
        secret_path: 'app/ok',
        reason: expect.stringContaining('no rotation recorded'),
      }),
    ]);
    const r = await rotor(['run', '--due', '--yes'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('applied the new value for app/ok');
    expect(r.stdout).toMatch(/app\/ok: rotated after 1 attempt \(session \d{8}-\d{6}-[0-9a-f]{4}\)/);
    const now = vault.kvRead('app/ok')!;
    expect(now.version).toBe(2);
    expect(now.data.username).toBe('app');
    expect(now.data.password).not.toBe('the-old-password');
    expect(r.stdout + r.stderr).not.toContain(String(now.data.password));
    const [entry] = json<Array<Record<string, unknown>>>(
      (await rotor(['history', 'app/ok', '--json'], env)).stdout,
    );
    expect(entry).toMatchObject({
      secret_path: 'app/ok',
      status: 'success',
      attempt: 1,
      runbook: 'custom-script',
      environment: 'local',
      drill: false,
    });
    const status = json<Record<string, unknown>>((await rotor(['status', 'app/ok', '--json'], env)).stdout);
    expect(status).toMatchObject({
      scheduled: true,
      due: false,
      last_rotated: entry.ended_at,
      last_status: 'success',
    });
    expect(Date.parse(String(status.next_rotation)) - Date.parse(String(entry.ended_at))).toBe(
      30 * 86_400_000,
    );
    expect((await rotor(['due'], env)).stdout).toContain('0 of 1 rotation policy due in local');
    expect((await rotor(['run', '--due', '--yes'], env)).stdout).toContain('nothing is due in local');
  });

  it('retries a failing rotation, rolls each attempt back, records rolled_back, and notifies without a secret', async () => {
    const env = setup();
    oldSecret('app/db', { password: 'the-old-password', username: 'app' });
    const before = vault.kvRead('app/db')!.version;
    await add(
      duePolicy('app/db', {
        rotation_script_path: ok,
        max_retries: 2,
        notify_emails: ['oncall@example.com'],
        inputs: { verify_script_path: verifyFails },
      }),
      env,
    );
    const r = await rotor(['run', '--due', '--yes'], env);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('app/db: attempt 1 of 3 failed');
    expect(r.stdout).toMatch(
      /app\/db: failed \(rolled_back\) after 3 attempts .*login with the new value refused.*; notified by email and webhook/,
    );
    // Each attempt wrote a new value, then wrote the old one back: 3 × 2 versions on top.
    const now = vault.kvRead('app/db')!;
    expect(now.version).toBe(before + 6);
    expect(now.data).toEqual({ password: 'the-old-password', username: 'app' });
    const tried = [1, 3, 5].map((n) =>
      String(vault.kvRead('app/db', { version: before + n })!.data.password),
    );
    expect(new Set(tried).size).toBe(3);

    const history = json<Array<Record<string, unknown>>>(
      (await rotor(['history', 'app/db', '--json'], env)).stdout,
    );
    expect(history.map((e) => [e.status, e.attempt])).toEqual([
      ['rolled_back', 3],
      ['rolled_back', 2],
      ['rolled_back', 1],
    ]);
    expect(String(history[0].error)).toMatch(
      /^step verify failed: Rotation script failed with exit code 1: .*verify-fails\.sh \(login with the new value refused\)$/,
    );

    expect(mails).toHaveLength(1);
    expect(mails[0].to).toEqual(['oncall@example.com']);
    expect(mails[0].body).toContain('Subject: [rotor] rotation of app/db failed and was rolled back');
    expect(mails[0].body).toContain('Attempts:     3 of 3');
    expect(mails[0].body).toContain('login with the new value refused');
    expect(hooks).toEqual([
      expect.objectContaining({
        event: 'rotation_failed',
        secret_path: 'app/db',
        status: 'rolled_back',
        attempts: 3,
        max_retries: 2,
      }),
    ]);
    for (const secret of ['the-old-password', ...tried]) {
      expect(mails[0].body).not.toContain(secret);
      expect(JSON.stringify(hooks)).not.toContain(secret);
      expect(JSON.stringify(history)).not.toContain(secret);
      expect(r.stdout + r.stderr).not.toContain(secret);
    }

    const stats = json<Record<string, number>>((await rotor(['stats', '--json'], env)).stdout);
    expect(stats).toMatchObject({
      total_rotations: 3,
      success_count: 0,
      failed_count: 3,
      rolled_back_count: 3,
      success_rate: 0,
    });
    const text = (await rotor(['history'], env)).stdout;
    expect(text.split('\n')[0]).toMatch(
      /^TIME \(UTC\)\s+SECRET\s+STATUS\s+DURATION\s+ATTEMPT\s+OPERATOR\s+SESSION\s+ERROR$/,
    );
    expect(text).toMatch(
      /app\/db\s+rolled_back\s+\d+\.\ds\s+3\s+\S+@\S+\s+\d{8}-\d{6}-[0-9a-f]{4}\s+step verify failed/,
    );
    const prom = (await rotor(['stats', '--format', 'prometheus'], env)).stdout;
    expect(prom).toContain('rotor_rotations_total{status="rolled_back"} 3');
    expect(prom).toContain('rotor_secret_rotation_due{secret_path="app/db"} 1');
  });

  it('with rollback_on_failure false, leaves the failed rotation as it is, does not retry, and exits 3', async () => {
    const env = setup();
    oldSecret('app/cache', { password: 'the-old-password' });
    const before = vault.kvRead('app/cache')!.version;
    await add(
      duePolicy('app/cache', {
        rotation_script_path: ok,
        max_retries: 3,
        rollback_on_failure: false,
        notify_emails: ['oncall@example.com'],
        inputs: { verify_script_path: verifyFails },
      }),
      env,
    );
    const r = await rotor(['run', '--due', '--yes'], env);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/app\/cache: NEEDS AN OPERATOR after 1 attempt/);
    const now = vault.kvRead('app/cache')!;
    expect(now.version).toBe(before + 1);
    expect(now.data.password).not.toBe('the-old-password');
    const history = json<Array<Record<string, unknown>>>(
      (await rotor(['history', 'app/cache', '--json'], env)).stdout,
    );
    expect(history).toEqual([
      expect.objectContaining({
        status: 'failed',
        attempt: 1,
        error: expect.stringMatching(/^step verify failed: .*login with the new value refused/),
      }),
    ]);
    expect(mails.map((m) => m.body.includes('needs an operator'))).toEqual([true]);
    expect(mails[0].body).not.toContain(String(now.data.password));
  });

  it('records "Rotation script not found" and retries a failure that changed nothing', async () => {
    const env = setup();
    oldSecret('app/gone', { password: 'the-old-password' });
    await add(
      duePolicy('app/gone', {
        rotation_script_path: join(dir, 'missing.sh'),
        max_retries: 1,
        notify_on_failure: false,
      }),
      env,
    );
    const r = await rotor(['run', '--due', '--yes'], env);
    expect(r.code).toBe(1);
    const history = json<Array<Record<string, unknown>>>(
      (await rotor(['history', 'app/gone', '--json'], env)).stdout,
    );
    expect(history.map((e) => e.status)).toEqual(['rolled_back', 'rolled_back']);
    expect(String(history[0].error)).toContain(`Rotation script not found: ${join(dir, 'missing.sh')}`);
    expect(vault.kvRead('app/gone')!.version).toBe(1);
    expect(mails).toEqual([]);
    expect(hooks).toEqual([]);
  });

  it('goes on with the other policies when one cannot start, and exits 1', async () => {
    const env = setup();
    const extra = mkdtempSync(join(tmpdir(), 'rotor-extra-runbooks-'));
    cleanups.push(() => rmSync(extra, { recursive: true, force: true }));
    writeFileSync(
      join(extra, 'team-rotation.yaml'),
      readFileSync(join(import.meta.dirname, '../runbooks/custom-script.yaml'), 'utf8').replace(
        'id: custom-script',
        'id: team-rotation',
      ),
    );
    oldSecret('app/one', { password: 'the-old-password' });
    oldSecret('app/two', { password: 'the-old-password' });
    await add(duePolicy('app/one', { runbook: 'team-rotation', rotation_script_path: ok }), {
      ...env,
      ROTOR_RUNBOOKS: extra,
    });
    await add(duePolicy('app/two', { rotation_script_path: ok }), env);
    const r = await rotor(['run', '--due', '--yes'], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'rotor: app/one: not rotated, nothing was changed: no runbook "team-rotation"',
    );
    expect(r.stdout).toMatch(/app\/two: rotated after 1 attempt/);
    expect(vault.kvRead('app/one')!.version).toBe(1);
    expect(vault.kvRead('app/two')!.version).toBe(2);
  });

  it('refuses what cannot work: no --yes, a runbook as well, --set', async () => {
    const env = setup();
    for (const [args, message] of [
      [['run', '--due'], /rotor run --due runs headless/],
      [['run', 'demo', '--due', '--yes'], /takes no runbook/],
      [['run', '--due', '--yes', '--set', 'a=b'], /--set does not apply to --due/],
      [['run', '--yes'], /rotor run needs a runbook, or --due/],
    ] as const) {
      const r = await rotor([...args], env);
      expect([r.code, r.stderr]).toEqual([2, expect.stringMatching(message)]);
    }
  });
});

describe('the sandbox', () => {
  it('keeps its policies and history across processes, while its secrets start fresh', async () => {
    const { home, cleanup } = tempHome();
    cleanups.push(cleanup);
    const env = { ROTOR_HOME: home, ROTOR_RETRY_DELAY: '50ms' };
    const sandbox = (args: string[]) => runCli([...args, '--env', 'sandbox'], env);
    expect(
      (
        await sandbox([
          'policy',
          'add',
          '--file',
          duePolicy('harmonyflow/redis', { rotation_script_path: ok }),
        ])
      ).code,
    ).toBe(0);
    expect(json<unknown[]>((await sandbox(['due', '--json'])).stdout)).toHaveLength(1);
    const r = await sandbox(['run', '--due', '--yes']);
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(join(home, 'sandbox-vault.json'), 'utf8')).format).toBe(
      'rotor-vault-emulator/1',
    );
    const [entry] = json<Array<Record<string, unknown>>>((await sandbox(['history', '--json'])).stdout);
    expect(entry).toMatchObject({
      secret_path: 'harmonyflow/redis',
      status: 'success',
      environment: 'sandbox',
      drill: true,
    });
    expect(json<unknown[]>((await sandbox(['due', '--json'])).stdout)).toEqual([]);
    // A plain run (no policy involved) is recorded too: history is written by runs.
    expect(
      (
        await sandbox([
          'run',
          'custom-script',
          '--yes',
          '--set',
          'secret_path=harmonyflow/admin',
          '--set',
          `script_path=${ok}`,
        ])
      ).code,
    ).toBe(0);
    const recent = json<Array<Record<string, unknown>>>(
      (await sandbox(['history', '--json', '--limit', '1'])).stdout,
    );
    expect(recent).toEqual([
      expect.objectContaining({
        secret_path: 'harmonyflow/admin',
        status: 'success',
        runbook: 'custom-script',
        attempt: 1,
      }),
    ]);
  });

  it('rehearses failures: a failing script is retried and rolled back, a stuck sync needs an operator, both notified', async () => {
    const env = { ...setup(), ROTOR_STORE_PREFIX: 'rotor' };
    const sandbox = (args: string[]) => runCli([...args, '--env', 'sandbox'], env);
    const added = [
      await sandbox([
        'policy',
        'add',
        '--file',
        duePolicy('harmonyflow/admin', {
          rotation_script_path: rotateFails,
          max_retries: 1,
          notify_emails: ['oncall@example.com'],
        }),
      ]),
      await sandbox([
        'policy',
        'add',
        '--file',
        duePolicy('harmonyflow/redis', {
          runbook: 'redis',
          max_retries: 2,
          notify_emails: ['dba@example.com'],
          inputs: { sync_timeout_seconds: '2' },
        }),
      ]),
    ];
    expect(added.map((a) => a.code)).toEqual([0, 0]);
    const r = await sandbox([
      'run',
      '--due',
      '--yes',
      '--fault',
      'sync-stuck:harmonyflow-production/session-state-service-redis',
    ]);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/harmonyflow\/admin: failed \(rolled_back\) after 2 attempts/);
    expect(r.stdout).toMatch(/harmonyflow\/redis: NEEDS AN OPERATOR after 1 attempt/);
    const history = json<Array<Record<string, unknown>>>((await sandbox(['history', '--json'])).stdout);
    expect(history.map((e) => [e.secret_path, e.status, e.attempt, e.drill])).toEqual([
      ['harmonyflow/redis', 'failed', 1, true],
      ['harmonyflow/admin', 'rolled_back', 2, true],
      ['harmonyflow/admin', 'rolled_back', 1, true],
    ]);
    expect(String(history[0].error)).toMatch(
      /^step sync failed: ExternalSecret harmonyflow-production\/session-state-service-redis did not sync/,
    );
    expect(String(history[1].error)).toContain('the target refused the new value');
    expect(mails.map((m) => m.to[0]).sort()).toEqual(['dba@example.com', 'oncall@example.com']);
    expect(hooks.map((h) => h.status).sort()).toEqual(['failed', 'rolled_back']);
    const given = readdirSync(dir)
      .filter((f) => f.startsWith('given-'))
      .map(
        (f) =>
          (JSON.parse(readFileSync(join(dir, f), 'utf8')) as { values: { password: string } }).values
            .password,
      );
    for (const secret of given)
      expect(JSON.stringify([mails, hooks, history, r.stdout])).not.toContain(secret);
    expect(json<Record<string, number>>((await sandbox(['stats', '--json'])).stdout)).toMatchObject({
      total_rotations: 3,
      success_count: 0,
      failed_count: 3,
      rolled_back_count: 2,
    });
  });
});
