import { afterAll, describe, expect, it } from 'vitest';
import { runCli, tempHome } from './support/cli.js';

const home = tempHome();
afterAll(() => home.cleanup());
const env = { ROTOR_HOME: home.home };

const pods = (n: number, port = 6379) =>
  Array.from({ length: n }, (_, i) => `k8s://redis-production/pod/redis-cluster-${i}:${port}`).join(',');

describe('k8s:// targets in a sandbox run', () => {
  it('rotates the Redis password on every node named by pod, reached through the emulator', async () => {
    const r = await runCli(
      ['run', 'redis', '--env', 'sandbox', '--yes', '--json', '--set', `nodes=${pods(6)}`],
      env,
      120_000,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('k8s://redis-production/pod/redis-cluster-5:6379');
    expect(r.stdout).not.toMatch(/127\.0\.0\.1:\d+/);
  }, 150_000);

  it('runs the HTTP checks through a service onto the demo service', async () => {
    const r = await runCli(
      [
        'run',
        'verify',
        '--env',
        'sandbox',
        '--yes',
        '--set',
        'service_url=k8s://harmonyflow-production/svc/session-state-service:8080',
      ],
      env,
      120_000,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  }, 150_000);

  it.each([
    ['postgres', ['db_url=k8s://postgresql/svc/postgresql-primary:5432/harmonyflow']],
    [
      'rabbitmq',
      [
        'management_url=k8s://rabbitmq-production/svc/rabbitmq-server:15672',
        'amqp_url=k8s://rabbitmq-production/pod/rabbitmq-server-0:5672/',
      ],
    ],
  ])(
    'runs the %s runbook with its targets named by service and pod',
    async (runbook, sets) => {
      const r = await runCli(
        ['run', runbook, '--env', 'sandbox', '--yes', ...sets.flatMap((s) => ['--set', s])],
        env,
        120_000,
      );
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    },
    150_000,
  );

  it.each([
    [
      'a pod that does not exist',
      `${pods(2)},k8s://redis-production/pod/redis-cluster-7:6379`,
      'k8s://redis-production/pod/redis-cluster-7:6379: pod redis-production/redis-cluster-7 not found',
    ],
    // Two nodes each: a --set value is left out of messages whole (it could be a secret), a node of it is not.
    [
      'a port nothing answers on',
      `${pods(1)},${pods(1, 6380)}`,
      'k8s://redis-production/pod/redis-cluster-0:6380: nothing answers on port 6380',
    ],
    [
      'a malformed address',
      `${pods(1)},k8s://redis-production/deployment/redis:6379`,
      'write a Redis node as host:port or k8s://<namespace>/pod/<name>:<port>',
    ],
  ])(
    'refuses %s before the first step: one message naming it, exit 2, no session',
    async (_what, nodes, message) => {
      const r = await runCli(
        ['run', 'redis', '--env', 'sandbox', '--yes', '--set', `nodes=${nodes}`],
        env,
        60_000,
      );
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(message);
      expect(r.stdout).not.toContain('journal:');
    },
    90_000,
  );
});
