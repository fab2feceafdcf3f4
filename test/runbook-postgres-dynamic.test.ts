import { describe, expect, it } from 'vitest';
import type { World } from '../src/session/world.js';
import type { SandboxHandles } from '../src/sandbox/world.js';
import { runInSandbox, succeeded, type SandboxRun } from './support/sandbox-run.js';

const fast = { sync_timeout_seconds: '10', rollout_timeout_seconds: '5' };
type SandboxWorld = World & { sandbox: SandboxHandles };

async function staticCreds(world: SandboxWorld): Promise<{ username: string; password: string }> {
  const reply = await world.sandbox.vault.call('GET', 'database/static-creds/harmonyflow');
  return (reply.body as { data: { username: string; password: string } }).data;
}

function adminPassword(world: SandboxWorld): string {
  return decodeURIComponent(new URL(world.env.ROTOR_SANDBOX_PG_ADMIN_URL).password);
}

/**
 * A dynamic role with one lease to renew. The sandbox's database stand-in understands only
 * ALTER ROLE … WITH PASSWORD, so this role "creates" and "renews" by setting the idle
 * harmonyflow_b's password instead of CREATE ROLE / VALID UNTIL.
 */
async function issueLease(world: SandboxWorld): Promise<string> {
  const call = async (method: string, path: string, body?: unknown) => {
    const reply = await world.sandbox.vault.call(method, path, body);
    if (reply.status >= 400) throw new Error(`${path}: ${reply.status} ${JSON.stringify(reply.body)}`);
    return reply.body as { lease_id: string };
  };
  await call('POST', 'database/config/harmonyflow', { allowed_roles: ['harmonyflow', 'app'] });
  const statement = `ALTER ROLE "harmonyflow_b" WITH PASSWORD '{{password}}'`;
  await call('POST', 'database/roles/app', {
    db_name: 'harmonyflow',
    creation_statements: statement,
    renew_statements: statement,
    default_ttl: '10m',
    max_ttl: '24h',
  });
  return (await call('GET', 'database/creds/app')).lease_id;
}

function stepOutputs(run: SandboxRun, stepId: string): Record<string, unknown> | undefined {
  for (const e of run.events)
    if (e.type === 'step-succeeded' && e.stepId === stepId) return e.outputs as Record<string, unknown>;
  return undefined;
}

describe('runbook postgres-dynamic in the sandbox', () => {
  it('rotates root and the static role, proves the new credential, renews the lease, publishes, syncs and restarts', async () => {
    let before = { username: '', password: '' };
    let oldAdmin = '';
    // The lease exists only once the world is up: prepare fills it in before the session reads the inputs.
    const inputs: Record<string, string> = { ...fast };
    const run = await runInSandbox('postgres-dynamic', {
      inputs,
      prepare: async (w) => {
        before = await staticCreds(w);
        oldAdmin = adminPassword(w);
        inputs.lease_ids = await issueLease(w);
      },
    });
    try {
      expect(run.failures).toEqual([]);
      expect(run.outcome).toEqual({ status: 'succeeded', exitCode: 0 });
      const { vault, postgres, kube } = run.world.sandbox;
      const after = await staticCreds(run.world);
      expect(after.username).toBe('harmonyflow');
      expect(after.password).not.toBe(before.password);
      expect(postgres.accepts('harmonyflow', after.password)).toBe(true);
      expect(postgres.accepts('harmonyflow', before.password)).toBe(false);
      // The root credential is Vault's alone now: the one it had before no longer logs in.
      expect(postgres.accepts('postgres', oldAdmin)).toBe(false);
      // The application's KV copy and its Kubernetes Secret carry the new credential.
      const kv = vault.kvRead('harmonyflow/postgresql')!;
      expect(kv.version).toBe(2);
      expect(kv.data.password).toBe(after.password);
      const secret = kube.get(
        'Secret',
        'harmonyflow-production',
        'session-state-service-postgresql',
      ) as unknown as { data: Record<string, string> };
      expect(Buffer.from(secret.data.password, 'base64').toString()).toBe(after.password);
      expect(stepOutputs(run, 'renew#1')).toMatchObject({ renewed: 1 });
      expect(Number(stepOutputs(run, 'renew#1')?.min_lease_duration)).toBeGreaterThan(600);
      for (const value of [before.password, after.password, oldAdmin])
        expect(run.journal).not.toContain(value);
      expect(succeeded(run.events)).toEqual(
        expect.arrayContaining([
          'health',
          'login-before',
          'rotate-root',
          'rotate-role',
          'check-login',
          'publish',
          'sync',
          'restart',
        ]),
      );
    } finally {
      await run.close();
    }
  });

  it('no leases given: renewal is skipped; without kubernetes nothing is published', async () => {
    const run = await runInSandbox('postgres-dynamic', { inputs: { kubernetes: 'false' } });
    try {
      expect(run.outcome).toEqual({ status: 'succeeded', exitCode: 0 });
      const skipped = run.events.flatMap((e) => (e.type === 'step-skipped' ? [e.stepId] : []));
      expect(skipped).toEqual(
        expect.arrayContaining(['renew-leases', 'published-before', 'publish', 'sync', 'restart']),
      );
      expect(run.world.sandbox.vault.kvRead('harmonyflow/postgresql')!.version).toBe(1);
    } finally {
      await run.close();
    }
  });

  // Vault's rotations cannot be undone, so "rolled back" here means: stopped before them, nothing changed.
  it('Vault answers 503 to rotate-root: stops before the point of no return with nothing changed', async () => {
    let before = { username: '', password: '' };
    let oldAdmin = '';
    const run = await runInSandbox('postgres-dynamic', {
      inputs: fast,
      prepare: async (w) => {
        before = await staticCreds(w);
        oldAdmin = adminPassword(w);
        w.sandbox.vault.injectFault({ path: 'database/rotate-root/', status: 503 });
      },
    });
    try {
      expect(run.outcome).toMatchObject({ status: 'failed', exitCode: 1 });
      expect(run.failures).toHaveLength(1);
      expect(run.failures[0]).toMatch(/^rotate-root: .*503/s);
      run.world.sandbox.vault.clearFaults();
      const { vault, postgres } = run.world.sandbox;
      // The credential, not its ttl: the ttl counts down while the test runs.
      const after = await staticCreds(run.world);
      expect({ username: after.username, password: after.password }).toEqual({
        username: before.username,
        password: before.password,
      });
      expect(postgres.accepts('harmonyflow', before.password)).toBe(true);
      expect(postgres.accepts('postgres', oldAdmin)).toBe(true);
      expect(vault.kvRead('harmonyflow/postgresql')!.version).toBe(1);
      expect(succeeded(run.events)).not.toContain('rotate-role');
    } finally {
      await run.close();
    }
  });

  it('Vault sealed before rotate-root: stops with nothing changed and says Vault is sealed', async () => {
    const run = await runInSandbox('postgres-dynamic', {
      inputs: { ...fast, kubernetes: 'false' },
      onEvent: (e, w) => {
        if (e.type === 'step-succeeded' && e.stepId === 'login-before') w.sandbox.vault.seal();
      },
    });
    try {
      expect(run.outcome).toMatchObject({ status: 'failed', exitCode: 1 });
      expect(run.failures[0]).toMatch(/^rotate-root: .*sealed/is);
      run.world.sandbox.vault.unseal();
      expect(run.world.sandbox.postgres.accepts('postgres', adminPassword(run.world))).toBe(true);
    } finally {
      await run.close();
    }
  });
});
