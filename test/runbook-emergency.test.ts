import { describe, expect, it } from 'vitest';
import { Secret } from '../src/engine/secret.js';
import { runInSandbox, succeeded, type SandboxRun } from './support/sandbox-run.js';

const fast = { sync_timeout_seconds: '10', rollout_timeout_seconds: '20' };
const GUIDE_PATHS = [
  'harmonyflow/session-state-service',
  'harmonyflow/postgresql',
  'harmonyflow/redis',
  'harmonyflow/rabbitmq',
  'harmonyflow/admin',
  'harmonyflow/iot-api-key',
];
const WORKLOADS: Array<[string, string, string]> = [
  ['Deployment', 'harmonyflow-production', 'session-state-service'],
  ['StatefulSet', 'postgresql', 'postgresql-primary'],
  ['StatefulSet', 'redis-production', 'redis-cluster'],
  ['StatefulSet', 'rabbitmq-production', 'rabbitmq-server'],
];

type World = SandboxRun['world'];
type Data = Record<string, string>;

const data = (world: World, path: string, version?: number) =>
  world.sandbox.vault.kvRead(path, version ? { version } : undefined)!;
const restartedAt = (world: World, [kind, ns, name]: [string, string, string]) =>
  (
    world.sandbox.kube.get(kind, ns, name) as unknown as {
      spec: { template: { metadata: { annotations?: Record<string, string> } } };
    }
  ).spec.template.metadata.annotations?.['kubectl.kubernetes.io/restartedAt'];

async function login(url: string): Promise<string> {
  const res = await fetch(`${url}/v1/auth/login`, {
    method: 'POST',
    body: JSON.stringify({ username: 'test', password: 'test' }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { token: string }).token;
}

/** The data-store passwords as the guide's table holds them before the run. */
function targetPasswords(world: World) {
  return {
    postgres: String(data(world, 'harmonyflow/postgresql').data.password),
    redis: String(data(world, 'harmonyflow/redis').data.password),
    rabbit: String(data(world, 'harmonyflow/rabbitmq').data.password),
  };
}

function targetsAccept(world: World, p: ReturnType<typeof targetPasswords>) {
  const { postgres, redis, rabbit } = world.sandbox;
  const nodes = world.env.ROTOR_SANDBOX_REDIS_NODES.split(',');
  return {
    postgres: postgres.accepts('harmonyflow', p.postgres),
    redis: nodes.every((node) => redis.accepts(node, { password: new Secret(p.redis) })),
    rabbit: rabbit.accepts('harmonyflow', p.rabbit),
  };
}

describe('runbook emergency in the sandbox', () => {
  it('rotates every secret in parallel, revokes sessions, restarts and marks everything, verifies', async () => {
    let before: Record<string, Data> = {};
    let old = { postgres: '', redis: '', rabbit: '' };
    let activeAfterRevoke: number | undefined;
    let token = '';
    const run = await runInSandbox('emergency', {
      inputs: fast,
      prepare: async (w) => {
        before = Object.fromEntries(GUIDE_PATHS.map((p) => [p, data(w, p).data as Data]));
        old = targetPasswords(w);
        token = await login(w.env.ROTOR_SERVICE_URL);
      },
      onEvent: (e, w) => {
        if (e.type === 'step-succeeded' && e.stepId === 'revoke-sessions')
          activeAfterRevoke = w.sandbox.service.activeSessions();
      },
    });
    try {
      expect(run.failures).toEqual([]);
      expect(run.outcome).toEqual({ status: 'succeeded', exitCode: 0 });
      const w = run.world;
      // Every listed secret has a new version; credentials changed in their old shape, the rest kept.
      for (const path of GUIDE_PATHS) {
        const now = data(w, path);
        expect(now.version, path).toBe(2);
        for (const [field, value] of Object.entries(before[path])) {
          if (['username', 'host', 'port', 'database'].includes(field))
            expect(now.data[field], `${path} ${field}`).toBe(value);
          else {
            expect(now.data[field], `${path} ${field}`).not.toBe(value);
            expect(String(now.data[field]).length, `${path} ${field}`).toBe(value.length);
          }
        }
      }
      expect(String(data(w, 'harmonyflow/session-state-service').data['api-key'])).toMatch(/^[0-9a-f]{64}$/);
      expect(String(data(w, 'harmonyflow/iot-api-key').data['api-key'])).toMatch(/^[0-9a-f]{48}$/);
      expect(String(data(w, 'harmonyflow/admin').data['api-token'])).toMatch(/^[A-Za-z0-9]{32}$/);
      // The data stores accept the new passwords and refuse the old ones.
      expect(targetsAccept(w, targetPasswords(w))).toEqual({ postgres: true, redis: true, rabbit: true });
      expect(targetsAccept(w, old)).toEqual({ postgres: false, redis: false, rabbit: false });
      // Sessions were revoked while the old admin token still worked; the old session is refused.
      expect(activeAfterRevoke).toBe(0);
      const verify = await fetch(`${w.env.ROTOR_SERVICE_URL}/v1/auth/verify`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(verify.status).toBe(401);
      // Every workload restarted; the service's pods are marked.
      for (const workload of WORKLOADS) expect(restartedAt(w, workload), workload.join('/')).toBeTruthy();
      const pods = w.sandbox.kube.list('Pod', 'harmonyflow-production') as unknown as Array<{
        metadata: { annotations?: Record<string, string> };
      }>;
      expect(pods.length).toBeGreaterThan(0);
      for (const pod of pods) expect(pod.metadata.annotations?.['security-alert']).toBe('true');
      // The Kubernetes Secrets hold what Vault holds.
      const admin = w.sandbox.kube.get(
        'Secret',
        'harmonyflow-production',
        'session-state-service-admin',
      ) as unknown as { data: Data };
      expect(Buffer.from(admin.data['api-token'], 'base64').toString()).toBe(
        data(w, 'harmonyflow/admin').data['api-token'],
      );
      // No credential, old or new, reached the journal.
      for (const path of GUIDE_PATHS) {
        for (const [field, value] of [
          ...Object.entries(before[path]),
          ...Object.entries(data(w, path).data as Data),
        ]) {
          if (!['username', 'host', 'port', 'database'].includes(field))
            expect(run.journal, `${path} ${field}`).not.toContain(value);
        }
      }
      expect(succeeded(run.events)).toEqual(
        expect.arrayContaining([
          'rotate',
          'sync',
          'revoke-sessions',
          'restart',
          'annotate',
          'health',
          'login-after',
          'old-session-refused',
        ]),
      );
    } finally {
      await run.close();
    }
  });

  it('rolls back when an ExternalSecret does not sync: every secret and data store holds its old credential again', async () => {
    let before: Record<string, Data> = {};
    let old = { postgres: '', redis: '', rabbit: '' };
    let clear: (() => void) | undefined;
    const run = await runInSandbox('emergency', {
      inputs: { ...fast, sync_timeout_seconds: '2' },
      prepare: (w) => {
        before = Object.fromEntries(GUIDE_PATHS.map((p) => [p, data(w, p).data as Data]));
        old = targetPasswords(w);
        clear = w.sandbox.kube.injectFailure({
          kind: 'external-secret',
          namespace: 'harmonyflow-production',
          name: 'session-state-service-redis',
        });
      },
      // Fixed once the step failed, so the rollback's own sync can succeed.
      onEvent: (e) => {
        if (e.type === 'step-failed' && e.stepId === 'sync') clear?.();
      },
    });
    try {
      expect(run.outcome).toMatchObject({ status: 'rolled-back', exitCode: 1 });
      expect(run.failures[0]).toMatch(/^external-secret#3: .*session-state-service-redis did not sync/);
      const w = run.world;
      for (const path of GUIDE_PATHS) {
        const now = data(w, path);
        expect(now.version, path).toBe(3); // restored as a new version, never a soft-delete
        expect(now.data, path).toEqual(before[path]);
      }
      expect(targetsAccept(w, old)).toEqual({ postgres: true, redis: true, rabbit: true });
      expect(succeeded(run.events)).toEqual(expect.arrayContaining(['resync', 'restart-again']));
      expect(
        run.failures.filter((f) => !f.startsWith('external-secret#3') && !f.startsWith('sync:')),
      ).toEqual([]);
      // The service is back on the restored admin token.
      const res = await fetch(`${w.env.ROTOR_SERVICE_URL}/v1/admin/sessions/active`, {
        headers: { authorization: `Bearer ${w.env.ROTOR_SANDBOX_ADMIN_TOKEN}` },
      });
      expect(res.status).toBe(200);
    } finally {
      await run.close();
    }
  });

  it('a Redis node refusing the change: the step puts its Vault secret back itself, the rollback undoes the others', async () => {
    let old = { postgres: '', redis: '', rabbit: '' };
    const run = await runInSandbox('emergency', {
      inputs: { ...fast, concurrency: '1' },
      prepare: (w) => {
        old = targetPasswords(w);
        w.sandbox.redis.refuse(w.env.ROTOR_SANDBOX_REDIS_NODES.split(',')[3], 'config-set');
      },
    });
    try {
      expect(run.outcome).toMatchObject({ status: 'rolled-back', exitCode: 1 });
      expect(run.failures[0]).toMatch(
        /^secret#3: Redis requirepass failed: Redis node 4 of 6 .*the earlier changes were put back/,
      );
      expect(run.failures.slice(1).filter((f) => !f.startsWith('rotate:'))).toEqual([]);
      const w = run.world;
      // One at a time, in list order: two done and undone, Redis put back by its own step, the rest never started.
      expect(data(w, 'harmonyflow/session-state-service').version).toBe(3);
      expect(data(w, 'harmonyflow/postgresql').version).toBe(3);
      expect(data(w, 'harmonyflow/redis').version).toBe(3);
      expect(data(w, 'harmonyflow/redis').data.password).toBe(old.redis);
      for (const path of GUIDE_PATHS.slice(3)) expect(data(w, path).version, path).toBe(1);
      expect(targetsAccept(w, old)).toEqual({ postgres: true, redis: true, rabbit: true });
    } finally {
      await run.close();
    }
  });

  it('rotates 100 generic secrets in seconds, each in its own shape', async () => {
    const paths = Array.from({ length: 100 }, (_, i) => `apps/app-${i}`);
    const run = await runInSandbox('emergency', {
      inputs: { ...fast, secret_paths: paths.join(','), concurrency: '16' },
      prepare: (w) => {
        paths.forEach((p, i) =>
          w.sandbox.vault.kvWrite(p, {
            username: `app${i}`,
            password: `pw-${i}-${'x'.repeat(20)}`,
            'api-key': 'ab'.repeat(16),
          }),
        );
      },
    });
    try {
      expect(run.failures).toEqual([]);
      expect(run.outcome.status).toBe('succeeded');
      const rotate = run.events.find((e) => e.type === 'step-succeeded' && e.stepId === 'rotate') as {
        durationMs: number;
      };
      expect(rotate.durationMs).toBeLessThan(10_000); // about 1s on an idle machine; the bound leaves room for a loaded one
      for (const [i, p] of paths.entries()) {
        const now = data(run.world, p);
        expect(now.version).toBe(2);
        expect(now.data.username).toBe(`app${i}`);
        expect(String(now.data['api-key'])).toMatch(/^[0-9a-f]{32}$/);
        expect(String(now.data.password)).toHaveLength(`pw-${i}-${'x'.repeat(20)}`.length);
        expect(now.data.password).not.toBe(`pw-${i}-${'x'.repeat(20)}`);
      }
      // The guide's data stores were not in the list: untouched.
      expect(data(run.world, 'harmonyflow/postgresql').version).toBe(1);
    } finally {
      await run.close();
    }
  }, 60_000);
});
