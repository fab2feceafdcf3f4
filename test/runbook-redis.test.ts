import { describe, expect, it } from 'vitest';
import { Secret } from '../src/engine/secret.js';
import { runInSandbox, succeeded, type SandboxRun } from './support/sandbox-run.js';

const PATH = 'harmonyflow/redis';
const fast = { sync_timeout_seconds: '10', rollout_timeout_seconds: '5' };

function nodes(run: SandboxRun): string[] {
  return run.world.env.ROTOR_SANDBOX_REDIS_NODES.split(',');
}

function password(run: SandboxRun, version?: number): string {
  return String(
    run.world.sandbox.vault.kvRead(PATH, version === undefined ? undefined : { version })!.data.password,
  );
}

/** The nodes that accept this password (as `user`, default the default user). */
function accepting(run: SandboxRun, value: string, user?: string): string[] {
  return nodes(run).filter((node) =>
    run.world.sandbox.redis.accepts(node, { username: user, password: new Secret(value) }),
  );
}

function kubePassword(run: SandboxRun): string {
  const secret = run.world.sandbox.kube.get(
    'Secret',
    'harmonyflow-production',
    'session-state-service-redis',
  ) as unknown as { data: Record<string, string> };
  return Buffer.from(secret.data.password, 'base64').toString();
}

const undone = (run: SandboxRun) =>
  run.events.flatMap((e) => (e.type === 'step-rolled-back' ? [e.stepId] : []));

describe('runbook redis in the sandbox', () => {
  it('requirepass: every node takes the new password, the old one is refused everywhere; Vault and Kubernetes agree', async () => {
    const run = await runInSandbox('redis', { inputs: fast });
    try {
      expect(run.failures).toEqual([]);
      expect(run.outcome).toEqual({ status: 'succeeded', exitCode: 0 });
      const { vault, redis } = run.world.sandbox;
      const old = password(run, 1);
      const now = password(run);
      expect(vault.kvRead(PATH)!.version).toBe(2);
      expect(now).not.toBe(old);
      expect(vault.kvRead(`${PATH}.pending`)).toBeNull();
      expect(nodes(run)).toHaveLength(6);
      expect(accepting(run, now)).toEqual(nodes(run));
      expect(accepting(run, old)).toEqual([]);
      // CONFIG REWRITE on every node: a restart of a node keeps the new password.
      for (const node of nodes(run)) expect(redis.persistedCount(node)).toBeGreaterThan(0);
      expect(kubePassword(run)).toBe(now);
      for (const value of [old, now]) expect(run.journal).not.toContain(value);
      const order = succeeded(run.events);
      expect(order.indexOf('stage')).toBeLessThan(order.indexOf('set-requirepass'));
      expect(order.indexOf('check-nodes')).toBeLessThan(order.indexOf('promote'));
      expect(order).toEqual(expect.arrayContaining(['auth-before', 'sync', 'restart', 'auth-after']));
    } finally {
      await run.close();
    }
  });

  it('acl: the user holds both passwords until after the restart, then only the new one', async () => {
    let overlap: string[] = [];
    const run = await runInSandbox('redis', {
      inputs: { ...fast, mode: 'acl' },
      onEvent: (e, w) => {
        // Right after the restart, before the old password goes, both must work on every node.
        if (e.type === 'step-succeeded' && e.stepId === 'restart') {
          const old = String(w.sandbox.vault.kvRead(PATH, { version: 1 })!.data.password);
          overlap = w.env.ROTOR_SANDBOX_REDIS_NODES.split(',').filter((node) =>
            w.sandbox.redis.accepts(node, { username: 'default', password: new Secret(old) }),
          );
        }
      },
    });
    try {
      expect(run.failures).toEqual([]);
      expect(run.outcome).toEqual({ status: 'succeeded', exitCode: 0 });
      const old = password(run, 1);
      const now = password(run);
      expect(overlap).toEqual(nodes(run));
      expect(accepting(run, now, 'default')).toEqual(nodes(run));
      expect(accepting(run, old, 'default')).toEqual([]);
      expect(kubePassword(run)).toBe(now);
      for (const value of [old, now]) expect(run.journal).not.toContain(value);
      expect(succeeded(run.events)).toEqual(
        expect.arrayContaining([
          'auth-before-user',
          'add-password',
          'check-nodes-acl',
          'promote',
          'drop-old',
          'auth-after-acl',
        ]),
      );
    } finally {
      await run.close();
    }
  });

  it('node 4 of 6 refuses CONFIG SET: rolled back, every node still has the old password, Vault unchanged, nothing left pending', async () => {
    let refusing = '';
    const run = await runInSandbox('redis', {
      inputs: fast,
      prepare: (w) => {
        refusing = w.env.ROTOR_SANDBOX_REDIS_NODES.split(',')[3];
        w.sandbox.redis.refuse(refusing, 'config-set');
      },
    });
    try {
      expect(run.outcome).toMatchObject({ status: 'rolled-back', exitCode: 1 });
      expect(run.failures).toHaveLength(1);
      expect(run.failures[0]).toContain(`set-requirepass: Redis node 4 of 6 (${refusing}) failed`);
      expect(run.failures[0]).toContain('nodes 1–3 were put back');
      const { vault } = run.world.sandbox;
      const old = password(run, 1);
      expect(accepting(run, old)).toEqual(nodes(run));
      expect(vault.kvRead(PATH)!.version).toBe(1);
      expect(vault.kvRead(`${PATH}.pending`)).toBeNull();
      expect(undone(run)).toEqual(['stage']);
      expect(kubePassword(run)).toBe(old);
      expect(run.journal).not.toContain(old);
    } finally {
      await run.close();
    }
  });

  it('acl: the ExternalSecret does not sync after promotion: the new password is removed from every node and Vault restored', async () => {
    let clear: (() => void) | undefined;
    const run = await runInSandbox('redis', {
      inputs: { ...fast, mode: 'acl', sync_timeout_seconds: '2' },
      prepare: (w) => {
        clear = w.sandbox.kube.injectFailure({
          kind: 'external-secret',
          namespace: 'harmonyflow-production',
          name: 'session-state-service-redis',
        });
      },
      onEvent: (e) => {
        if (e.type === 'step-failed' && e.stepId === 'sync') clear?.();
      },
    });
    try {
      expect(run.failures[0]).toMatch(/^sync: /);
      expect(run.failures.slice(1)).toEqual([]);
      expect(run.outcome).toMatchObject({ status: 'rolled-back', exitCode: 1 });
      const { vault } = run.world.sandbox;
      const old = password(run, 1);
      const staged = password(run, 2);
      expect(vault.kvRead(PATH)!.version).toBe(3);
      expect(password(run)).toBe(old);
      expect(accepting(run, old, 'default')).toEqual(nodes(run));
      expect(accepting(run, staged, 'default')).toEqual([]);
      expect(undone(run)).toEqual(['promote', 'add-password', 'stage']);
      expect(kubePassword(run)).toBe(old);
      expect(succeeded(run.events)).toEqual(expect.arrayContaining(['resync', 'restart-again']));
    } finally {
      await run.close();
    }
  });
});
