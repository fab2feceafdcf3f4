import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Secret } from '../src/engine/secret.js';
import { CLI } from './support/cli.js';
import { canaryRun } from './support/canary-run.js';
import {
  filesChangedSince,
  findCopies,
  sampleCommandLines,
  scanFiles,
  type Canary,
} from './support/canary-scan.js';
import { startPostgresCluster, type PostgresCluster } from './support/postgres-cluster.js';

describe('the canary scanner finds what it looks for', () => {
  it('plain, base64 and URL-encoded copies, and a child process carrying one in its argv', async () => {
    const canary: Canary = { label: 'control', value: 'CaNaRy+/x=y&z 42' };
    const text = [
      'a',
      canary.value,
      Buffer.from(canary.value).toString('base64'),
      encodeURIComponent(canary.value),
    ].join(' ');
    expect(findCopies(text, [canary], 'text').map((c) => c.form)).toEqual(
      expect.arrayContaining(['plain', 'base64', 'url-encoded']),
    );
    const sampler = sampleCommandLines();
    await new Promise((done) =>
      spawn('sh', ['-c', 'sleep 0.3', 'argv-probe', canary.value]).on('close', done),
    );
    expect((await sampler.stop()).some((argv) => argv.includes(canary.value))).toBe(true);
  });
});

// A trainee naming a real server: Vault and Kubernetes stay the sandbox's, the database is real
// and logs every statement. The log may hold SCRAM verifiers, never a password.
describe('secret canary against a real PostgreSQL cluster', () => {
  let cluster: PostgresCluster;
  beforeAll(async () => {
    cluster = await startPostgresCluster();
  }, 90_000);
  afterAll(async () => {
    await cluster?.close();
  });

  it('the postgres runbook leaves no copy in the server log or anywhere else', async () => {
    const result = await canaryRun('postgres', {
      allowRealTargets: true,
      inputs: {
        admin_url: new Secret(cluster.url(cluster.superuser, cluster.superuserPassword), 'inputs.admin_url'),
        db_url: `postgres://127.0.0.1:${cluster.port}/postgres`,
        sync_timeout_seconds: '10',
        rollout_timeout_seconds: '20',
      },
      prepare: async (world, _inputs, canaries) => {
        const password = String(world.sandbox.vault.kvRead('harmonyflow/postgresql')!.data.password);
        canaries.push({ label: 'real superuser password', value: cluster.superuserPassword });
        const admin = new pg.Client({
          connectionString: cluster.url(cluster.superuser, cluster.superuserPassword),
        });
        await admin.connect();
        try {
          await admin.query("SET log_statement = 'none'");
          await admin.query(`CREATE ROLE harmonyflow LOGIN PASSWORD '${password.replace(/'/g, "''")}'`);
        } finally {
          await admin.end();
        }
      },
      extraText: async () => ({ 'PostgreSQL server log': await cluster.readLog() }),
    });
    console.info(
      `canary postgres (real cluster): ${result.outcome.status}, ${result.canaries} canaries, ${result.commandLines} command lines, ${result.filesScanned} files, ${result.copies.length} copies`,
    );
    expect(result.copies.map((c) => `${c.canary} (${c.form}) in ${c.where}`)).toEqual([]);
    expect(result.outcome.exitCode).toBe(0);
    expect(await cluster.readLog()).toContain('ALTER ROLE');
  }, 60_000);
});

/**
 * The built CLI as an operator runs it: `rotor run custom-script --env sandbox --yes --json`.
 * The sandbox inside that process seeds its own values, so the canary is the value the run
 * draws: the rotation script (the test's own) hands it to the test through a file in a folder
 * the scan skips, and prints it, as careless scripts do.
 */
describe('secret canary in a real rotor process', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'rotor-canary-capture-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const pass of ['stdin', 'env'] as const) {
    it(`custom-script passing the value through ${pass}: stdout, stderr, state dir, temp files and argv hold no copy`, async () => {
      const capture = join(dir, `capture-${pass}`);
      const script = join(dir, `rotate-${pass}.sh`);
      writeFileSync(
        script,
        `#!/bin/sh\nif [ -n "$ROTOR_VALUE_PASSWORD" ]; then v="$ROTOR_VALUE_PASSWORD"; else read -r input; v=$(printf '%s' "$input" | sed 's/.*"password":"\\([^"]*\\)".*/\\1/'); fi\nprintf '%s' "$v" > '${capture}'\necho "rotating with $v"\n`,
      );
      chmodSync(script, 0o700);
      const home = mkdtempSync(join(tmpdir(), 'rotor-canary-cli-'));
      const since = Date.now();
      const sampler = sampleCommandLines();
      const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
        const child = spawn(
          process.execPath,
          [
            CLI,
            'run',
            'custom-script',
            '--env',
            'sandbox',
            '--yes',
            '--json',
            '--set',
            'secret_path=harmonyflow/iot-api-key',
            '--set',
            `script_path=${script}`,
            '--set',
            `pass=${pass}`,
            '--set',
            'timeout_seconds=20',
          ],
          { env: { ...process.env, ROTOR_HOME: home, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
        );
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => (stdout += d));
        child.stderr.on('data', (d) => (stderr += d));
        const timer = setTimeout(() => child.kill('SIGKILL'), 50_000);
        child.on('close', (code) => {
          clearTimeout(timer);
          done({ code, stdout, stderr });
        });
      });
      const argvs = await sampler.stop();
      try {
        expect(r.stderr).toBe('');
        expect(r.code).toBe(0);
        const value = readFileSync(capture, 'utf8');
        expect(value.length).toBeGreaterThanOrEqual(32);
        const canaries = [{ label: 'the drawn value', value }];
        const files = [
          ...filesChangedSince(home, since),
          ...filesChangedSince(tmpdir(), since, (p) => p === home || p === dir),
        ];
        const copies = [
          ...findCopies(r.stdout, canaries, 'stdout'),
          ...findCopies(r.stderr, canaries, 'stderr'),
          ...argvs.flatMap((a) => findCopies(a, canaries, `argv of ${a.slice(0, 80)}`)),
          ...scanFiles(files, canaries),
        ];
        console.info(
          `canary rotor process (custom-script, ${pass}): ${argvs.length} command lines, ${files.length} files, ${copies.length} copies`,
        );
        expect(copies.map((c) => `${c.canary} (${c.form}) in ${c.where}`)).toEqual([]);
        // The script's line reached the output, masked.
        expect(r.stdout).toContain('rotating with ••••••');
      } finally {
        rmSync(home, { recursive: true, force: true });
      }
    }, 60_000);
  }
});
