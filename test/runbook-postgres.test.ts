import { describe, expect, it } from 'vitest';
import { runInSandbox, succeeded, type SandboxRun } from './support/sandbox-run.js';

const PATH = 'harmonyflow/postgresql';
const fast = { sync_timeout_seconds: '10', rollout_timeout_seconds: '5' };

/** What the application's Kubernetes Secret holds for a key. */
function kubeValue(run: SandboxRun, key: string): string {
  const secret = run.world.sandbox.kube.get(
    'Secret',
    'harmonyflow-production',
    'session-state-service-postgresql',
  ) as unknown as { data: Record<string, string> };
  return Buffer.from(secret.data[key], 'base64').toString();
}

function vaultData(run: SandboxRun, version?: number): Record<string, string> {
  return run.world.sandbox.vault.kvRead(PATH, version === undefined ? undefined : { version })!
    .data as Record<string, string>;
}

function adminPassword(run: SandboxRun): string {
  return decodeURIComponent(new URL(run.world.env.ROTOR_SANDBOX_PG_ADMIN_URL).password);
}

describe('runbook postgres in the sandbox', () => {
  it('single user: stages, ALTERs the role, verifies, promotes, syncs, restarts; old password refused', async () => {
    const run = await runInSandbox('postgres', { inputs: fast });
    try {
      expect(run.failures).toEqual([]);
      expect(run.outcome).toEqual({ status: 'succeeded', exitCode: 0 });
      const { vault, postgres } = run.world.sandbox;
      const before = vaultData(run, 1);
      const now = vaultData(run);
      expect(vault.kvRead(PATH)!.version).toBe(2);
      expect(now.password).not.toBe(before.password);
      expect(Buffer.from(now.password, 'base64')).toHaveLength(32);
      expect({ ...now, password: '' }).toEqual({ ...before, password: '' });
      // The staged copy went away with the promotion.
      expect(vault.kvRead(`${PATH}.pending`)).toBeNull();
      // Database, Kubernetes and Vault agree on the new password; the old one is refused.
      expect(postgres.accepts('harmonyflow', now.password)).toBe(true);
      expect(postgres.accepts('harmonyflow', before.password)).toBe(false);
      expect(kubeValue(run, 'password')).toBe(now.password);
      // Only a SCRAM verifier reached the server's statement log.
      expect(postgres.log.join('\n')).not.toContain(now.password);
      for (const value of [before.password, now.password, adminPassword(run)])
        expect(run.journal).not.toContain(value);
      // Vault held the new password before the database did.
      const order = succeeded(run.events);
      expect(order.indexOf('stage')).toBeLessThan(order.indexOf('set-password'));
      expect(order.indexOf('check-database')).toBeLessThan(order.indexOf('promote'));
      expect(order).toEqual(
        expect.arrayContaining(['backup', 'login-before', 'promote', 'sync', 'restart', 'login-after']),
      );
    } finally {
      await run.close();
    }
  });

  it('alternating users: the idle role gets the new password and becomes the one in Vault; the role in use keeps working', async () => {
    const run = await runInSandbox('postgres', { inputs: { ...fast, strategy: 'alternating' } });
    try {
      expect(run.failures).toEqual([]);
      expect(run.outcome).toEqual({ status: 'succeeded', exitCode: 0 });
      const { vault, postgres } = run.world.sandbox;
      const before = vaultData(run, 1);
      const now = vaultData(run);
      expect(before.username).toBe('harmonyflow');
      expect(now.username).toBe('harmonyflow_b');
      expect(postgres.accepts('harmonyflow_b', now.password)).toBe(true);
      // The previous role was never touched: connections that still use it keep working.
      expect(postgres.accepts('harmonyflow', before.password)).toBe(true);
      expect(vault.kvRead(`${PATH}.pending`)).toBeNull();
      expect(kubeValue(run, 'username')).toBe('harmonyflow_b');
      expect(kubeValue(run, 'password')).toBe(now.password);
      for (const value of [before.password, now.password, adminPassword(run)])
        expect(run.journal).not.toContain(value);
      expect(succeeded(run.events)).toEqual(
        expect.arrayContaining([
          'stage-password',
          'switch-user',
          'stage-role',
          'check-idle-role',
          'check-role-in-use',
          'promote',
          'login-after',
        ]),
      );
    } finally {
      await run.close();
    }
  });

  it('rolls back when the ExternalSecret does not sync: the database and Vault hold the old password again', async () => {
    let clear: (() => void) | undefined;
    const run = await runInSandbox('postgres', {
      inputs: { ...fast, sync_timeout_seconds: '2' },
      prepare: (w) => {
        clear = w.sandbox.kube.injectFailure({
          kind: 'external-secret',
          namespace: 'harmonyflow-production',
          name: 'session-state-service-postgresql',
        });
      },
      // Fixed once the step failed, so the rollback's own sync can carry the old value.
      onEvent: (e) => {
        if (e.type === 'step-failed' && e.stepId === 'sync') clear?.();
      },
    });
    try {
      expect(run.failures[0]).toMatch(/^sync: /);
      expect(run.failures.slice(1)).toEqual([]);
      expect(run.outcome).toMatchObject({ status: 'rolled-back', exitCode: 1 });
      const { vault, postgres } = run.world.sandbox;
      const before = vaultData(run, 1);
      const promoted = vaultData(run, 2);
      expect(vault.kvRead(PATH)!.version).toBe(3); // the old data written back as a new version
      expect(vaultData(run)).toEqual(before);
      expect(vault.kvRead(`${PATH}.pending`)).toBeNull();
      expect(postgres.accepts('harmonyflow', before.password)).toBe(true);
      expect(postgres.accepts('harmonyflow', promoted.password)).toBe(false);
      expect(kubeValue(run, 'password')).toBe(before.password);
      const undone = run.events.flatMap((e) => (e.type === 'step-rolled-back' ? [e.stepId] : []));
      // Vault first, then the database: at no point does Vault name a password the database refuses for long.
      expect(undone).toEqual(['promote', 'set-password', 'stage']);
      expect(succeeded(run.events)).toEqual(expect.arrayContaining(['resync', 'restart-again']));
    } finally {
      await run.close();
    }
  });

  it('a database that refuses the change: nothing reaches Vault and the staged value is removed', async () => {
    const run = await runInSandbox('postgres', {
      inputs: fast,
      onEvent: (e, w) => {
        // The server goes away between staging and ALTER ROLE.
        if (e.type === 'step-succeeded' && e.stepId === 'stage') w.sandbox.postgres.down = true;
        if (e.type === 'rollback-started') w.sandbox.postgres.down = false;
      },
    });
    try {
      expect(run.outcome).toMatchObject({ status: 'rolled-back', exitCode: 1 });
      expect(run.failures).toHaveLength(1);
      // Where it failed stays readable: the secret's host and port are not scrubbed like its password.
      expect(run.failures[0]).toMatch(
        /^set-password: cannot reach PostgreSQL at postgresql-primary\.postgresql\.sandbox:5432 .*nothing was changed/s,
      );
      const { vault, postgres } = run.world.sandbox;
      expect(vault.kvRead(PATH)!.version).toBe(1);
      expect(vault.kvRead(`${PATH}.pending`)).toBeNull();
      expect(postgres.accepts('harmonyflow', vaultData(run).password)).toBe(true);
    } finally {
      await run.close();
    }
  });
});
