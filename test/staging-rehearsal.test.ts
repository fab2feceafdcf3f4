// Rehearsal against "staging" end to end: an inventory describes a `staging` environment whose
// Vault and Kubernetes are an out-of-process `rotor sandbox` (Kubernetes auth, no Vault token in
// the client), whose Redis, PostgreSQL and RabbitMQ are real servers this test starts, reachable
// only through port-forwards to the sandbox's pods. The redis, postgres and rabbitmq runbooks run
// headless with no --set at all; admin credentials come from Vault references. Each new
// credential is checked from outside (redis-cli, pg, amqplib), and the old one refused.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import amqp from 'amqplib';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, runCli } from './support/cli.js';
import { startPostgresCluster, type PostgresCluster } from './support/postgres-cluster.js';
import { startRedisServers, type RedisServers } from './support/redis-servers.js';
import { startServedSandbox, type ServedSandbox } from './support/served-sandbox.js';
import { TmuxTerminal } from './support/tmux.js';

const run = promisify(execFile);
const RABBIT_API = 'http://127.0.0.1:15672';
const guest = `Basic ${Buffer.from('guest:guest').toString('base64')}`;
const suffix = Math.random().toString(36).slice(2, 8);
const rabbitUser = `rotor_staging_${suffix}`;
const old = {
  redis: `staging-redis-old-${suffix}`,
  postgres: `staging-pg-old-${suffix}`,
  rabbit: `staging-mq-old-${suffix}`,
};
let redis: RedisServers;
let postgres: PostgresCluster;
let sandbox: ServedSandbox;
const home = mkdtempSync(join(tmpdir(), 'rotor-rehearsal-'));
const inventoryFile = join(home, 'staging.inventory.yaml');

/** The sandbox's Vault as its administrator: only to seed and to check, never for rotor. */
async function vaultKv(method: 'GET' | 'POST', path: string, data?: Record<string, string>) {
  const res = await fetch(`${sandbox.vars.VAULT_ADDR}/v1/secret/data/${path}`, {
    method,
    headers: { 'x-vault-token': sandbox.vars.VAULT_TOKEN, 'content-type': 'application/json' },
    body: data ? JSON.stringify({ data }) : undefined,
  });
  if (!res.ok) throw new Error(`Vault ${method} ${path}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { data: { data: Record<string, string> } }).data.data;
}

async function rabbitApi(method: string, path: string, body?: unknown) {
  return fetch(`${RABBIT_API}${path}`, {
    method,
    headers: { authorization: guest, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function redisPing(password: string): Promise<string> {
  const r = await run('redis-cli', [
    '-p',
    String(redis.servers[0].port),
    '--no-auth-warning',
    '-a',
    password,
    'PING',
  ]).catch((e: { stdout?: string; stderr?: string }) => ({ stdout: `${e.stdout ?? ''}${e.stderr ?? ''}` }));
  return r.stdout.trim();
}

async function pgLogin(user: string, password: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: postgres.url(user, password, 'postgres') });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function amqpLogin(user: string, password: string): Promise<boolean> {
  try {
    const conn = await amqp.connect(
      `amqp://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:5672`,
    );
    await conn.close();
    return true;
  } catch {
    return false;
  }
}

/** The team's inventory for staging, as it would sit in git: addresses, and where credentials are. */
function writeInventory(): void {
  writeFileSync(
    inventoryFile,
    `environments:
  staging:
    vault:
      address: ${sandbox.vars.VAULT_ADDR}
      auth: { method: kubernetes, role: ${sandbox.clientEnv.VAULT_K8S_ROLE}, token_path: ${sandbox.clientEnv.VAULT_K8S_TOKEN_PATH} }
    kubernetes: { kubeconfig: ${sandbox.vars.KUBECONFIG} }
    inputs:
      namespace: harmonyflow-production
    runbooks:
      redis:
        nodes: k8s://redis-production/pod/redis-cluster-0:6379
      postgres:
        admin_url: { vault: harmonyflow/postgres-admin, field: url }
        db_url: k8s://postgresql/svc/postgresql-primary:5432/postgres
      rabbitmq:
        management_url: k8s://rabbitmq-production/svc/rabbitmq-server:15672
        admin_user: guest
        admin_password: { vault: harmonyflow/rabbitmq-admin, field: password }
        amqp_url: k8s://rabbitmq-production/svc/rabbitmq-server:5672/
        user: ${rabbitUser}
`,
  );
}

/** A headless run as an operator's shell would start it: the inventory, no token, no --set. */
function rotate(runbook: string) {
  return runCli(
    ['run', runbook, '--env', 'staging', '--inventory', inventoryFile, '--yes', '--json'],
    { ROTOR_HOME: join(home, 'rotor'), HOME: home, VAULT_TOKEN: '', KUBECONFIG: '' },
    240_000,
  );
}

beforeAll(async () => {
  redis = await startRedisServers([{ password: old.redis }]);
  postgres = await startPostgresCluster();
  const admin = new pg.Client({
    connectionString: postgres.url(postgres.superuser, postgres.superuserPassword, 'postgres'),
  });
  await admin.connect();
  await admin.query(`create role harmonyflow login password '${old.postgres}'`);
  await admin.end();
  expect(
    (await rabbitApi('PUT', `/api/users/${rabbitUser}`, { password: old.rabbit, tags: 'management' })).status,
  ).toBe(201);
  expect(
    (await rabbitApi('PUT', `/api/permissions/%2F/${rabbitUser}`, { configure: '', write: '', read: '' })).ok,
  ).toBe(true);
  sandbox = await startServedSandbox([
    `redis-production/redis-cluster-0:6379=${redis.nodes[0]}`,
    `postgresql/postgresql-primary-0:5432=127.0.0.1:${postgres.port}`,
    'rabbitmq-production/rabbitmq-server-0:15672=127.0.0.1:15672',
    'rabbitmq-production/rabbitmq-server-0:5672=127.0.0.1:5672',
  ]);
  await vaultKv('POST', 'harmonyflow/redis', { password: old.redis });
  await vaultKv('POST', 'harmonyflow/postgresql', { username: 'harmonyflow', password: old.postgres });
  await vaultKv('POST', 'harmonyflow/rabbitmq', { username: rabbitUser, password: old.rabbit });
  // The admin credentials live in Vault; the inventory only says where.
  await vaultKv('POST', 'harmonyflow/postgres-admin', {
    url: `k8s://${postgres.superuser}:${postgres.superuserPassword}@postgresql/svc/postgresql-primary:5432/postgres`,
  });
  await vaultKv('POST', 'harmonyflow/rabbitmq-admin', { password: 'guest' });
  writeInventory();
}, 180_000);

afterAll(async () => {
  await sandbox?.close();
  await redis?.close();
  await postgres?.close();
  await rabbitApi('DELETE', `/api/users/${rabbitUser}`).catch(() => undefined);
  rmSync(home, { recursive: true, force: true });
});

describe('rehearsal against staging: inventory, Kubernetes auth, targets only through the cluster', () => {
  it('shows where every input of a runbook comes from, nothing read yet', async () => {
    const r = await runCli(
      ['env', 'show', 'staging', '--runbook', 'postgres', '--inventory', inventoryFile],
      { ROTOR_HOME: join(home, 'rotor'), HOME: home, VAULT_TOKEN: '' },
      60_000,
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/admin_url.*harmonyflow\/postgres-admin/);
    expect(r.stdout).not.toContain(postgres.superuserPassword);
  }, 90_000);

  it('rotates Redis: redis-cli sees the new password work and the old one refused', async () => {
    const r = await rotate('redis');
    expect(r.code, r.stderr).toBe(0);
    const now = (await vaultKv('GET', 'harmonyflow/redis')).password;
    expect(now).not.toBe(old.redis);
    expect(r.stdout).not.toContain(now);
    expect(await redisPing(now)).toBe('PONG');
    expect(await redisPing(old.redis)).toMatch(/NOAUTH|WRONGPASS|invalid password/i);
  }, 260_000);

  it('rotates PostgreSQL with the admin URL read from Vault: the new password logs in, the old one is refused', async () => {
    const r = await rotate('postgres');
    expect(r.code, r.stderr).toBe(0);
    const now = (await vaultKv('GET', 'harmonyflow/postgresql')).password;
    expect(now).not.toBe(old.postgres);
    for (const text of [r.stdout, r.stderr]) {
      expect(text).not.toContain(now);
      expect(text).not.toContain(postgres.superuserPassword);
    }
    expect(await pgLogin('harmonyflow', now)).toBe(true);
    expect(await pgLogin('harmonyflow', old.postgres)).toBe(false);
  }, 260_000);

  it('rotates RabbitMQ through the management API and AMQP forwards: amqplib logs in with the new password only', async () => {
    const r = await rotate('rabbitmq');
    expect(r.code, r.stderr).toBe(0);
    const now = (await vaultKv('GET', 'harmonyflow/rabbitmq')).password;
    expect(now).not.toBe(old.rabbit);
    expect(r.stdout).not.toContain(now);
    expect(await amqpLogin(rabbitUser, now)).toBe(true);
    expect(await amqpLogin(rabbitUser, old.rabbit)).toBe(false);
  }, 260_000);

  it('rotates Redis again in the TUI (tmux): the review needs no typing, each step is approved, redis-cli agrees', async () => {
    const before = (await vaultKv('GET', 'harmonyflow/redis')).password;
    const env = { ROTOR_HOME: join(home, 'rotor'), HOME: home, VAULT_TOKEN: '', KUBECONFIG: '' };
    const term = TmuxTerminal.start(`node ${CLI} run redis --env staging --inventory ${inventoryFile}`, {
      env,
      width: 100,
      height: 30,
    });
    try {
      await term.waitFor('Inputs for Redis', 60_000);
      expect(term.screen()).toContain('k8s://redis-production/pod/redis-cluster-0:6379');
      term.press('a');
      const items = Number(/0 of (\d+) checked/.exec(await term.waitFor(/0 of (\d+) checked/))![1]);
      for (let i = 1; i <= items; i++) {
        term.press('Enter');
        await term.waitFor(i < items ? `${i} of ${items} checked` : 'All checked');
      }
      term.press('Enter');
      // Approve each step as it asks, until the summary.
      let asked = '';
      for (let n = 0; n < 30; n++) {
        const screen = await term.waitFor(/\? Approve [^\n]+|Enter or q to exit/, 120_000);
        if (screen.includes('Enter or q to exit')) break;
        const question = /\? Approve [^\n]+/.exec(screen)![0];
        if (question === asked) {
          await new Promise((r) => setTimeout(r, 200));
          continue;
        }
        asked = question;
        term.press('y');
      }
      expect(await term.waitFor('Enter or q to exit', 60_000)).toContain('Succeeded');
      term.press('Enter');
      await term.waitFor('EXIT:0');
    } finally {
      term.close();
    }
    const now = (await vaultKv('GET', 'harmonyflow/redis')).password;
    expect(now).not.toBe(before);
    expect(await redisPing(now)).toBe('PONG');
    expect(await redisPing(before)).toMatch(/NOAUTH|WRONGPASS|invalid password/i);
  }, 260_000);
});
