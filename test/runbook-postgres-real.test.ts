import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Secret } from '../src/engine/secret.js';
import { startPostgresCluster, type PostgresCluster } from './support/postgres-cluster.js';
import { runInSandbox } from './support/sandbox-run.js';

/** Whether the throwaway server lets `role` log in over TCP with `password` (scram-sha-256). */
async function canLogin(cluster: PostgresCluster, role: string, password: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: cluster.url(role, password) });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

// A trainee naming a real server: Vault and Kubernetes stay the sandbox's, the database is real.
describe('runbook postgres against a real PostgreSQL cluster', () => {
  let cluster: PostgresCluster;
  beforeAll(async () => {
    cluster = await startPostgresCluster();
  }, 90_000);
  afterAll(async () => {
    await cluster?.close();
  });

  it('the new password from Vault logs in, the old one is refused, and only a verifier reached the server log', async () => {
    let oldPassword = '';
    const run = await runInSandbox('postgres', {
      allowRealTargets: true,
      inputs: {
        admin_url: new Secret(cluster.url(cluster.superuser, cluster.superuserPassword), 'admin url'),
        db_url: `postgres://127.0.0.1:${cluster.port}/postgres`,
        sync_timeout_seconds: '10',
        rollout_timeout_seconds: '5',
      },
      // The role exists on the real server with the password Vault holds, as in production.
      prepare: async (w) => {
        oldPassword = String(w.sandbox.vault.kvRead('harmonyflow/postgresql')!.data.password);
        const admin = new pg.Client({
          connectionString: cluster.url(cluster.superuser, cluster.superuserPassword),
        });
        await admin.connect();
        try {
          await admin.query("SET log_statement = 'none'");
          await admin.query(`CREATE ROLE harmonyflow LOGIN PASSWORD '${oldPassword.replace(/'/g, "''")}'`);
        } finally {
          await admin.end();
        }
      },
    });
    try {
      expect(run.failures).toEqual([]);
      expect(run.outcome).toEqual({ status: 'succeeded', exitCode: 0 });
      const now = run.world.sandbox.vault.kvRead('harmonyflow/postgresql')!;
      const newPassword = String(now.data.password);
      expect(now.version).toBe(2);
      expect(newPassword).not.toBe(oldPassword);
      expect(await canLogin(cluster, 'harmonyflow', newPassword)).toBe(true);
      expect(await canLogin(cluster, 'harmonyflow', oldPassword)).toBe(false);
      const log = await cluster.readLog();
      expect(log).toContain('ALTER ROLE');
      expect(log).not.toContain(newPassword);
      for (const value of [oldPassword, newPassword, cluster.superuserPassword])
        expect(run.journal).not.toContain(value);
    } finally {
      await run.close();
    }
  }, 60_000);
});
