import { X509Certificate, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Secret } from '../src/engine/secret.js';
import type { Decider } from '../src/engine/types.js';
import type { GivenInputs } from '../src/runbook/inputs.js';
import { startSandboxWorld, type SandboxHandles } from '../src/sandbox/world.js';
import type { World } from '../src/session/world.js';
import { killAndResume, type ResumeOptions } from './support/crash.js';

/**
 * A kill inside each guarded step, after its change and before the journal heard of it, then a
 * resume: the step's check asks the real system, so the change is never made a second time
 * blindly. Each runbook is one or two steps, written here, against one sandbox.
 */
type SandboxWorld = World & { sandbox: SandboxHandles };

const dir = mkdtempSync(join(tmpdir(), 'rotor-kill-checks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runbook(name: string, yaml: string): string {
  const file = join(dir, `${name}.yaml`);
  // Each runbook declares the KV secrets its steps name, as loading requires of a runbook that writes one.
  const paths = [...yaml.matchAll(/\{ path: ([A-Za-z0-9_.-][A-Za-z0-9_./-]*)[,\s}]/g)].map((m) => m[1]);
  const rotates = paths.length ? `rotates: ${JSON.stringify([...new Set(paths)])}\n` : '';
  writeFileSync(file, `id: ${name}\ntitle: ${name}\ndescription: kill test\n${rotates}${yaml}`);
  return file;
}

const step = (id: string, action: string, params: string, extra = '') =>
  `  - id: ${id}\n    title: ${id}\n    phase: rotate\n    do: ${action}\n    with: ${params}\n${extra}`;

let world: SandboxWorld;
beforeAll(async () => {
  world = (await startSandboxWorld({ readinessDelayMs: 10 })) as SandboxWorld;
});
afterAll(async () => {
  await world?.close();
});

const version = (path: string) => world.sandbox.vault.kvRead(path)!.version;
const value = (path: string, field: string) =>
  new Secret(String(world.sandbox.vault.kvRead(path)!.data[field]));

async function killInside(file: string, stepId: string, inputs: GivenInputs = {}, options?: ResumeOptions) {
  const result = await killAndResume(world, file, inputs, { stepId, at: 'after-effect' }, options);
  expect(result.killed, 'the run reached the kill point').toBe(true);
  return { ...result, outcome: result.outcome!, events: journalEvents(result.journalDir, result.sessionId) };
}

/** Every event of a session's journal, for what the resumed run said about the step. */
function journalEvents(journalDir: string, sessionId: string): Array<Record<string, unknown>> {
  const file = [join(journalDir, `${sessionId}.jsonl`), join(journalDir, sessionId, 'journal.jsonl')].find(
    existsSync,
  );
  if (!file) throw new Error(`no journal for ${sessionId} in ${journalDir}`);
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

const saidAlreadyDone = (events: Array<Record<string, unknown>>, stepId: string) =>
  events.some(
    (e) =>
      e.type === 'step-log' &&
      e.stepId === stepId &&
      String(e.line).includes('its change had already happened'),
  );

describe('a kill inside a Vault KV step, then a resume', () => {
  const path = 'harmonyflow/iot-api-key';

  it('vault.kv-restore writes the old version back once', async () => {
    const file = runbook(
      'kill-kv-restore',
      `steps:\n${step('restore', 'vault.kv-restore', `{ path: ${path}, version: 1 }`)}`,
    );
    const start = version(path);
    const { outcome, events } = await killInside(file, 'restore');
    expect(outcome.status, JSON.stringify(outcome)).toBe('succeeded');
    expect(version(path), 'one new version, not two').toBe(start + 1);
    expect(saidAlreadyDone(events, 'restore')).toBe(true);
  });

  it('vault.kv-rotate-random draws and writes once', async () => {
    const file = runbook(
      'kill-kv-rotate',
      `steps:\n${step('rotate', 'vault.kv-rotate-random', `{ path: ${path} }`)}`,
    );
    const start = version(path);
    const { outcome } = await killInside(file, 'rotate');
    expect(outcome.status, JSON.stringify(outcome)).toBe('succeeded');
    expect(version(path), 'one new version, not two').toBe(start + 1);
  });

  it('rotate.secret (a plain secret) writes once', async () => {
    const file = runbook(
      'kill-rotate-secret',
      `steps:\n${step('rotate', 'rotate.secret', `{ path: ${path} }`)}`,
    );
    const start = version(path);
    const { outcome } = await killInside(file, 'rotate');
    expect(outcome.status, JSON.stringify(outcome)).toBe('succeeded');
    expect(version(path), 'one new version, not two').toBe(start + 1);
  });
});

describe('a kill inside a composite rotation, then a resume', () => {
  it('rotate.postgres changes the role and Vault once, and they agree', async () => {
    const path = 'harmonyflow/postgresql';
    const file = runbook(
      'kill-rotate-postgres',
      `inputs:\n  admin_url: { secret: true, default: "{{ env.ROTOR_SANDBOX_PG_ADMIN_URL }}" }\nsteps:\n${step('rotate', 'rotate.postgres', `{ path: ${path}, url: "{{ inputs.admin_url }}" }`)}`,
    );
    const start = version(path);
    const { outcome } = await killInside(file, 'rotate');
    expect(outcome.status, JSON.stringify(outcome)).toBe('succeeded');
    expect(version(path), 'one new version, not two').toBe(start + 1);
    const data = world.sandbox.vault.kvRead(path)!.data;
    expect(
      await world.sandbox.postgres.tryLogin(
        { url: new Secret(world.env.ROTOR_SANDBOX_PG_URL), timeoutMs: 2000 },
        String(data.username),
        new Secret(String(data.password)),
      ),
      'the password in Vault logs in',
    ).toBe(true);
  });

  it('rotate.redis changes the nodes and Vault once, and they agree', async () => {
    const path = 'harmonyflow/redis';
    const file = runbook(
      'kill-rotate-redis',
      `steps:\n${step('rotate', 'rotate.redis', `{ path: ${path}, nodes: "{{ env.ROTOR_SANDBOX_REDIS_NODES }}" }`)}`,
    );
    const start = version(path);
    const { outcome } = await killInside(file, 'rotate');
    expect(outcome.status, JSON.stringify(outcome)).toBe('succeeded');
    expect(version(path), 'one new version, not two').toBe(start + 1);
    for (const node of world.env.ROTOR_SANDBOX_REDIS_NODES.split(','))
      expect(await world.sandbox.redis.tryAuth(node, { password: value(path, 'password') }), node).toBe(true);
  });

  it('rotate.rabbitmq changes the user and Vault once, and they agree', async () => {
    const path = 'harmonyflow/rabbitmq';
    const file = runbook(
      'kill-rotate-rabbitmq',
      `inputs:\n  admin_password: { secret: true, default: "{{ env.ROTOR_SANDBOX_RABBITMQ_ADMIN_PASSWORD }}" }\nsteps:\n${step(
        'rotate',
        'rotate.rabbitmq',
        `{ path: ${path}, api_url: "{{ env.ROTOR_SANDBOX_RABBITMQ_API }}", admin_username: admin, admin_password: "{{ inputs.admin_password }}" }`,
      )}`,
    );
    const start = version(path);
    const { outcome } = await killInside(file, 'rotate');
    expect(outcome.status, JSON.stringify(outcome)).toBe('succeeded');
    expect(version(path), 'one new version, not two').toBe(start + 1);
    expect(
      await world.sandbox.rabbit.amqpLogin(
        { url: world.env.ROTOR_SANDBOX_RABBITMQ_AMQP, timeoutMs: 2000 },
        'harmonyflow',
        value(path, 'password'),
      ),
      'the password in Vault opens an AMQP connection',
    ).toBe(true);
  });

  it('redis.acl-drop-old sees the old password gone and does not run again', async () => {
    const old = value('harmonyflow/redis', 'password');
    const fresh = new Secret(randomBytes(16).toString('hex'));
    const nodes = '"{{ env.ROTOR_SANDBOX_REDIS_NODES }}"';
    const file = runbook(
      'kill-acl-drop',
      `inputs:\n  old: { secret: true }\n  new: { secret: true }\nsteps:\n` +
        step(
          'add',
          'redis.set-password',
          `{ nodes: ${nodes}, mode: acl, user: default, password: "{{ inputs.new }}", auth_username: default, auth_password: "{{ inputs.old }}" }`,
        ) +
        step(
          'drop',
          'redis.acl-drop-old',
          `{ nodes: ${nodes}, user: default, password: "{{ inputs.new }}", old_password: "{{ inputs.old }}", auth_username: default, auth_password: "{{ inputs.new }}" }`,
        ),
    );
    const { outcome, events } = await killInside(file, 'drop', { old, new: fresh });
    expect(outcome.status, JSON.stringify(outcome)).toBe('succeeded');
    expect(saidAlreadyDone(events, 'drop'), 'ACL GETUSER showed the change had happened').toBe(true);
    for (const node of world.env.ROTOR_SANDBOX_REDIS_NODES.split(',')) {
      expect(await world.sandbox.redis.tryAuth(node, { password: fresh }), `${node} takes the new one`).toBe(
        true,
      );
      expect(await world.sandbox.redis.tryAuth(node, { password: old }), `${node} refuses the old one`).toBe(
        false,
      );
    }
  });
});

describe('a kill inside vault.pki-issue, then a resume', () => {
  /** The serials of the certificates for a name that are still valid. */
  async function validFor(commonName: string): Promise<string[]> {
    const listed = await world.sandbox.vault.call('LIST', 'pki/certs');
    const keys = (listed.body as { data?: { keys?: string[] } }).data?.keys ?? [];
    const valid: string[] = [];
    for (const serial of keys) {
      const reply = await world.sandbox.vault.call('GET', `pki/cert/${serial.replace(/:/g, '-')}`);
      const data = (reply.body as { data: { certificate: string; revocation_time: number } }).data;
      if (serial === 'ca' || data.revocation_time) continue;
      const subject = new X509Certificate(data.certificate).subject;
      if (subject.split('\n').includes(`CN=${commonName}`)) valid.push(serial);
    }
    return valid;
  }

  it('revokes the certificate the killed run issued, so one stays valid', async () => {
    const name = 'kill-check.harmonyflow.io';
    const file = runbook(
      'kill-pki-issue',
      `steps:\n${step('issue', 'vault.pki-issue', `{ mount: pki, role: harmonyflow, common_name: ${name}, ttl: 1h }`)}`,
    );
    const before = await validFor(name);
    const { outcome } = await killInside(file, 'issue');
    expect(outcome.status, JSON.stringify(outcome)).toBe('succeeded');
    expect((await validFor(name)).length, 'one valid certificate more, not two').toBe(before.length + 1);
  });
});

describe('a kill inside a step whose system cannot be asked, then a resume', () => {
  const counter = join(dir, 'runs');
  const script = join(dir, 'apply.sh');
  writeFileSync(script, `#!/bin/sh\necho run >> '${counter}'\n`, { mode: 0o700 });
  const runs = () =>
    existsSync(counter) ? readFileSync(counter, 'utf8').split('\n').filter(Boolean).length : 0;
  // As custom-script does: the script is handed a value drawn in an earlier step.
  const scriptBook = () =>
    runbook(
      'kill-script',
      `steps:\n${step('draw', 'generate.password', '{ bytes: 16 }')}${step(
        'apply',
        'script.run',
        `{ path: "${script}", secret_path: harmonyflow/iot-api-key, values: { password: "{{ steps.draw.value }}" } }`,
      )}`,
    );
  const answer =
    (toFailure: 'retry' | 'skip' | 'abort'): Decider =>
    async (r) =>
      r.kind === 'approve' ? 'approve' : toFailure;

  it('headless: script.run is not run again; the outcome asks for an operator', async () => {
    rmSync(counter, { force: true });
    const { outcome } = await killInside(scriptBook(), 'apply', {}, { onFailure: 'stop' });
    expect(runs(), 'the script ran once').toBe(1);
    expect(outcome.status).toBe('failed');
    expect(outcome.exitCode).toBe(3);
    expect(outcome.uncertainStep).toBe('apply');
    expect('reason' in outcome && outcome.reason).toContain('an operator must check what step apply changed');
  });

  it('an operator asked on resume decides: skip leaves it at one run', async () => {
    rmSync(counter, { force: true });
    const { outcome } = await killInside(
      scriptBook(),
      'apply',
      {},
      { onFailure: 'ask', decide: answer('skip') },
    );
    expect(runs()).toBe(1);
    expect(outcome.status, JSON.stringify(outcome)).toBe('succeeded');
  });

  it('an operator asked on resume decides: retry runs it again, because they said so', async () => {
    rmSync(counter, { force: true });
    const { outcome } = await killInside(
      scriptBook(),
      'apply',
      {},
      { onFailure: 'ask', decide: answer('retry') },
    );
    expect(runs()).toBe(2);
    expect(outcome.status, JSON.stringify(outcome)).toBe('succeeded');
  });

  it('headless: http.request is not sent again', async () => {
    const file = runbook(
      'kill-http',
      `inputs:\n  token: { secret: true, default: "{{ env.ROTOR_SANDBOX_ADMIN_TOKEN }}" }\nsteps:\n${step(
        'revoke',
        'http.request',
        `{ url: "{{ env.ROTOR_SERVICE_URL }}/v1/admin/sessions/revoke-all", method: POST, headers: { Authorization: "Bearer {{ inputs.token }}" } }`,
      )}`,
    );
    const admin = { Authorization: `Bearer ${world.env.ROTOR_SANDBOX_ADMIN_TOKEN}` };
    const active = async () =>
      (
        (await (
          await fetch(`${world.env.ROTOR_SERVICE_URL}/v1/admin/sessions/active`, { headers: admin })
        ).json()) as {
          active: number;
        }
      ).active;
    const { outcome } = await killInside(
      file,
      'revoke',
      {},
      {
        // No onFailure: the runbook's default is rollback, yet an unknown change is left for the
        // operator rather than undone around.
        // A user logs in after the revoke went out: a second revoke would log them out.
        beforeResume: async () => {
          await fetch(`${world.env.ROTOR_SERVICE_URL}/v1/auth/login`, {
            method: 'POST',
            body: JSON.stringify({ username: 'test', password: 'test' }),
          });
        },
      },
    );
    expect(await active(), 'the session opened after the kill is still there').toBe(1);
    expect(outcome.status).toBe('failed');
    expect(outcome.uncertainStep).toBe('revoke');
  });
});
