import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CheckRow, CheckSummary } from '../src/check/types.js';
import { runCli } from './support/cli.js';
import { useServedSandbox } from './support/served-sandbox.js';

/** `rotor sandbox` served in its own process, checked and repaired by separate rotor processes. */
const served = useServedSandbox();
let env: Record<string, string>;
beforeAll(() => {
  env = served.env();
});

const check = async (...args: string[]) => {
  const r = await runCli(['check', '--env', 'local', ...args], env, 90_000);
  const lines = r.stdout.trim().split('\n').filter(Boolean);
  return { ...r, events: args.includes('--json') ? lines.map((l) => JSON.parse(l)) : [] };
};

/** The Vault values of every secret the check reads, to prove none is printed. */
function vaultValues(paths: string[]): string[] {
  return paths.flatMap((p) => {
    const body = execFileSync(
      'curl',
      ['-fsS', '-H', `X-Vault-Token: ${env.VAULT_TOKEN}`, `${env.VAULT_ADDR}/v1/secret/data/${p}`],
      {
        encoding: 'utf8',
      },
    );
    return Object.values(JSON.parse(body).data.data as Record<string, string>).filter((v) => v.length >= 16);
  });
}

describe('rotor check on a served sandbox, and the repairs it names', () => {
  it('finds the seeded drift (exit 1), and running the runbook each row names makes every row agree (exit 0)', async () => {
    const first = await check('--json');
    expect(first.code, first.stderr).toBe(1);
    const rows = first.events.filter((e) => e.type === 'check-row') as Array<
      CheckRow & { type: string; at: number }
    >;
    const summary = first.events.at(-1) as CheckSummary & { type: string };
    expect(summary).toMatchObject({
      type: 'check-summary',
      drift: 2,
      overdue: 1,
      unreachable: 0,
      exit_code: 1,
    });
    expect(summary.agree).toBe(summary.total - 3);
    const broken = rows
      .filter((r) => r.state !== 'agree')
      .sort((a, b) => a.secret_path.localeCompare(b.secret_path));
    expect(broken.map((r) => [r.secret_path, r.state, r.broken])).toEqual([
      ['harmonyflow/iot-api-key', 'overdue', 'vault'],
      ['harmonyflow/iot-dashboard', 'drift', 'pods'],
      ['harmonyflow/iot-telemetry', 'drift', 'secret'],
    ]);
    const values = vaultValues(rows.map((r) => r.secret_path).filter((p) => p !== 'harmonyflow/tls'));
    expect(values.length).toBeGreaterThan(6);
    for (const v of values) expect(first.stdout + first.stderr).not.toContain(v);

    for (const row of broken)
      for (const command of row.repair!.command.split(' && ')) {
        const argv = command.split(' ').slice(1); // "rotor" itself
        const run = await runCli([...argv, '--yes'], env, 120_000);
        expect(run.code, `${command}\n${run.stdout}\n${run.stderr}`).toBe(0);
      }

    const after = await check();
    expect(after.code, after.stdout + after.stderr).toBe(0);
    expect(after.stdout).toMatch(/\d+ secrets: (\d+) agree, 0 drift, 0 overdue, 0 unreachable/);
    expect(after.stdout).toContain('harmonyflow/iot-api-key        ✓ v2');
  }, 300_000);

  it('prints a Prometheus textfile with --format prometheus', async () => {
    const r = await check('--format', 'prometheus', 'harmonyflow/redis', 'harmonyflow/nope');
    expect(r.code).toBe(3); // redis agrees, nope is not in Vault
    expect(r.stdout).toContain('rotor_check_hop_state{secret_path="harmonyflow/redis",hop="secret"} 0');
    expect(r.stdout).toContain('rotor_check_hop_state{secret_path="harmonyflow/nope",hop="vault"} 3');
    expect(r.stdout).toContain('rotor_check_secrets{state="unreachable"} 1');
  });

  it('refuses bad usage with exit 2 before dialling anything', async () => {
    for (const [args, message] of [
      [['--format', 'xml'], '--format xml: not a format of rotor check'],
      [['--json', '--format', 'prometheus'], '--json and --format prometheus ask for two outputs'],
      [['secret/harmonyflow/redis'], 'secret/'],
      [['--fault', 'vault-ahead:harmonyflow/redis'], '--fault creates drift in the sandbox only'],
      [['--fault', 'nope'], 'unknown fault "nope"'],
    ] as const) {
      const r = await check(...args);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(message);
    }
  });
});

describe('rotor check --env sandbox', () => {
  it('finds the three seeded findings in a fresh sandbox, and --fault vault-ahead adds drift on demand', async () => {
    const r = await runCli(
      ['check', '--env', 'sandbox', '--fault', 'vault-ahead:harmonyflow/redis'],
      { HOME: tmpdir() },
      120_000,
    );
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/harmonyflow\/iot-api-key +✗ \+16d +✓ +✓ 2\/2 +· +overdue/);
    expect(r.stdout).toMatch(/harmonyflow\/iot-dashboard +✓ v2 \d+s +✓ +✗ 0\/1 +· +drift/);
    expect(r.stdout).toMatch(/harmonyflow\/iot-telemetry +✓ v2 \d+s +✗ +✓ 2\/2 +· +drift/);
    expect(r.stdout).toMatch(/harmonyflow\/redis +✓ v2 \d+s +✗ +✓ 3\/3 +· +drift/);
    expect(r.stdout).toContain(
      'harmonyflow/redis: secret: Secret harmonyflow-production/session-state-service-redis differs from Vault v2 (password)',
    );
    expect(r.stdout).toContain('9 secrets: 5 agree, 3 drift, 1 overdue, 0 unreachable');
  }, 120_000);
});
