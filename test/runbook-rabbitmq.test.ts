import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Secret } from '../src/engine/secret.js';
import { runInSandbox, succeeded, type SandboxRun } from './support/sandbox-run.js';

const PATH = 'harmonyflow/rabbitmq';
const fast = { sync_timeout_seconds: '10', rollout_timeout_seconds: '5' };

function password(run: SandboxRun, version?: number): string {
  return String(
    run.world.sandbox.vault.kvRead(PATH, version === undefined ? undefined : { version })!.data.password,
  );
}

function kubePassword(run: SandboxRun): string {
  const secret = run.world.sandbox.kube.get(
    'Secret',
    'harmonyflow-production',
    'session-state-service-rabbitmq',
  ) as unknown as { data: Record<string, string> };
  return Buffer.from(secret.data.password, 'base64').toString();
}

describe('runbook rabbitmq in the sandbox', () => {
  it('changes the password through the management API (tags kept), proves it over AMQP, promotes, syncs, restarts', async () => {
    const run = await runInSandbox('rabbitmq', { inputs: fast });
    try {
      expect(run.failures).toEqual([]);
      expect(run.outcome).toEqual({ status: 'succeeded', exitCode: 0 });
      const { vault, rabbit } = run.world.sandbox;
      const old = password(run, 1);
      const now = password(run);
      expect(vault.kvRead(PATH)!.version).toBe(2);
      expect(now).not.toBe(old);
      expect(vault.kvRead(PATH)!.data.username).toBe('harmonyflow');
      expect(vault.kvRead(`${PATH}.pending`)).toBeNull();
      expect(rabbit.accepts('harmonyflow', now)).toBe(true);
      expect(rabbit.accepts('harmonyflow', old)).toBe(false);
      expect(rabbit.tagsOf('harmonyflow')).toEqual(['management']);
      expect(kubePassword(run)).toBe(now);
      for (const value of [old, now, run.world.env.ROTOR_SANDBOX_RABBITMQ_ADMIN_PASSWORD])
        expect(run.journal).not.toContain(value);
      const order = succeeded(run.events);
      expect(order.indexOf('stage')).toBeLessThan(order.indexOf('set-password'));
      expect(order.indexOf('check-broker')).toBeLessThan(order.indexOf('promote'));
      expect(order).toEqual(expect.arrayContaining(['login-before', 'sync', 'restart', 'login-after']));
    } finally {
      await run.close();
    }
  });

  it('the AMQP check fails after the change: rolled back, the old password works again, Vault unchanged, nothing pending', async () => {
    const run = await runInSandbox('rabbitmq', {
      inputs: fast,
      onEvent: (e, w) => {
        // The AMQP listener goes away right after the password change, and comes back for the rollback.
        if (e.type === 'step-succeeded' && e.stepId === 'set-password') w.sandbox.rabbit.amqpDown = true;
        if (e.type === 'rollback-started') w.sandbox.rabbit.amqpDown = false;
      },
    });
    try {
      expect(run.outcome).toMatchObject({ status: 'rolled-back', exitCode: 1 });
      expect(run.failures).toHaveLength(1);
      expect(run.failures[0]).toMatch(/^check-broker: cannot open an AMQP connection .*ECONNREFUSED/);
      const { vault, rabbit } = run.world.sandbox;
      const old = password(run);
      expect(vault.kvRead(PATH)!.version).toBe(1);
      expect(vault.kvRead(`${PATH}.pending`)).toBeNull();
      expect(rabbit.accepts('harmonyflow', old)).toBe(true);
      expect(rabbit.tagsOf('harmonyflow')).toEqual(['management']);
      expect(run.events.flatMap((e) => (e.type === 'step-rolled-back' ? [e.stepId] : []))).toEqual([
        'set-password',
        'stage',
      ]);
      expect(kubePassword(run)).toBe(old);
    } finally {
      await run.close();
    }
  });
});

/** The machine's broker (guest/guest on 127.0.0.1), reached through its management API. */
const LOCAL_API = 'http://127.0.0.1:15672';
const guest = `Basic ${Buffer.from('guest:guest').toString('base64')}`;

async function api(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${LOCAL_API}${path}`, {
    method,
    headers: { authorization: guest, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

const brokerUp = await api('GET', '/api/overview').then(
  (r) => r.ok,
  () => false,
);

describe.skipIf(!brokerUp)("runbook rabbitmq against the machine's RabbitMQ", () => {
  it('a user of its own gets the password from Vault; the run proves it over AMQP, and afterwards the broker refuses the old one', async () => {
    // Our own user on the shared broker, removed afterwards; its first password is the one Vault holds.
    const user = `rotor_rb_${randomBytes(4).toString('hex')}`;
    let old = '';
    try {
      const run = await runInSandbox('rabbitmq', {
        allowRealTargets: true,
        inputs: {
          ...fast,
          user,
          management_url: LOCAL_API,
          admin_user: 'guest',
          admin_password: new Secret('guest', 'admin password'),
          amqp_url: 'amqp://127.0.0.1:5672',
        },
        prepare: async (w) => {
          old = String(w.sandbox.vault.kvRead(PATH)!.data.password);
          expect((await api('PUT', `/api/users/${user}`, { password: old, tags: 'management' })).status).toBe(
            201,
          );
          expect(
            (await api('PUT', `/api/permissions/%2F/${user}`, { configure: '', write: '', read: '' })).status,
          ).toBeLessThan(300);
        },
      });
      try {
        expect(run.failures).toEqual([]);
        expect(run.outcome).toEqual({ status: 'succeeded', exitCode: 0 });
        const now = password(run);
        expect(now).not.toBe(old);
        const check = async (pw: string) =>
          (
            await fetch(`${LOCAL_API}/api/whoami`, {
              headers: { authorization: `Basic ${Buffer.from(`${user}:${pw}`).toString('base64')}` },
            })
          ).status;
        expect(await check(now)).toBe(200);
        expect(await check(old)).toBe(401);
        // The tags were sent back with the new password.
        expect(
          ((await (await api('GET', `/api/users/${user}`)).json()) as { tags: string[] | string }).tags,
        ).toEqual(expect.arrayContaining(['management']));
        for (const value of [old, now]) expect(run.journal).not.toContain(value);
      } finally {
        await run.close();
      }
    } finally {
      await api('DELETE', `/api/users/${user}`);
    }
  }, 60_000);
});
