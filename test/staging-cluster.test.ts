// Groundwork for the staging rehearsal: an out-of-process `rotor sandbox` as a real environment,
// rotor logging in to its Vault with Kubernetes auth, and real Redis and PostgreSQL servers
// reachable only through port-forwards to its pods.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveKubeConfig } from '../src/adapters/kubernetes-config.js';
import { clusterForwarder } from '../src/adapters/kubernetes-port-forward.js';
import { parseK8sAddress } from '../src/k8s-address/k8s-address.js';
import { runCli } from './support/cli.js';
import { startPostgresCluster, type PostgresCluster } from './support/postgres-cluster.js';
import { startRedisServers, type RedisServers } from './support/redis-servers.js';
import { startServedSandbox, type ServedSandbox } from './support/served-sandbox.js';

const run = promisify(execFile);
const oldPassword = 'staging-old-redis-canary';
let redis: RedisServers;
let postgres: PostgresCluster;
let sandbox: ServedSandbox;
const home = mkdtempSync(join(tmpdir(), 'rotor-staging-'));

/** The sandbox's Vault as its administrator (root token): only to set up and check, never for rotor. */
async function vaultKv(method: 'GET' | 'POST', path: string, data?: Record<string, string>) {
  const res = await fetch(`${sandbox.vars.VAULT_ADDR}/v1/secret/data/${path}`, {
    method,
    headers: { 'x-vault-token': sandbox.vars.VAULT_TOKEN, 'content-type': 'application/json' },
    body: data ? JSON.stringify({ data }) : undefined,
  });
  expect(res.ok).toBe(true);
  return ((await res.json()) as { data: { data: Record<string, string> } }).data.data;
}

async function redisAuth(password: string): Promise<string> {
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

beforeAll(async () => {
  redis = await startRedisServers([{ password: oldPassword }]);
  postgres = await startPostgresCluster();
  sandbox = await startServedSandbox([
    `redis-production/redis-cluster-0:6379=${redis.nodes[0]}`,
    `postgresql/postgresql-primary-0:5432=127.0.0.1:${postgres.port}`,
  ]);
  await vaultKv('POST', 'harmonyflow/redis', { password: oldPassword });
}, 120_000);

afterAll(async () => {
  await sandbox?.close();
  await redis?.close();
  await postgres?.close();
  rmSync(home, { recursive: true, force: true });
});

describe('a served sandbox as a real environment', () => {
  it('prints what a client needs for Kubernetes auth, and no client here holds a Vault token', () => {
    expect(sandbox.clientEnv.VAULT_K8S_ROLE).toBe('rotor');
    expect(sandbox.clientEnv.VAULT_K8S_TOKEN_PATH).toMatch(/token$/);
    expect(Object.keys(sandbox.clientEnv)).not.toContain('VAULT_TOKEN');
  });

  it('reaches the real PostgreSQL only through a port-forward to its pod', async () => {
    const forwarder = clusterForwarder(resolveKubeConfig({ kubeconfig: sandbox.vars.KUBECONFIG }).kc);
    try {
      const local = await forwarder.local(parseK8sAddress('k8s://postgresql/svc/postgresql-primary:5432')!);
      // The same login as over TCP directly, with the host:port swapped for the forward's loopback end.
      const direct = new URL(postgres.url(postgres.superuser, postgres.superuserPassword, 'postgres'));
      direct.host = local;
      const client = new pg.Client({ connectionString: direct.toString() });
      await client.connect();
      expect((await client.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
      await client.end();
    } finally {
      await forwarder.close();
    }
  }, 60_000);

  it('rotates the Redis password headless with Kubernetes auth through a pod port-forward; redis-cli sees the new one work and the old one refused', async () => {
    const r = await runCli(
      [
        'run',
        'redis',
        '--env',
        'local',
        '--yes',
        '--json',
        '--set',
        'nodes=k8s://redis-production/pod/redis-cluster-0:6379',
      ],
      { ...sandbox.clientEnv, ROTOR_HOME: join(home, 'rotor'), HOME: home, VAULT_TOKEN: '' },
      180_000,
    );
    expect(r.stderr.replace(/^rotor: warning.*\n/gm, '')).toBe('');
    expect(r.code).toBe(0);
    const now = (await vaultKv('GET', 'harmonyflow/redis')).password;
    expect(now).not.toBe(oldPassword);
    expect(r.stdout).not.toContain(now);
    expect(await redisAuth(now)).toBe('PONG');
    expect(await redisAuth(oldPassword)).toMatch(/NOAUTH|WRONGPASS|invalid password/i);
  }, 200_000);
});
