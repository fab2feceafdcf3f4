// N rotor processes, each an Indexed Job's pod with its own JOB_COMPLETION_INDEX, over one policy
// store in one Vault: every due policy runs exactly once, and the shares are the path hash's.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shardFrom, shardOf } from '../src/policy/shard.js';
import { startVaultEmulator, type VaultEmulator } from '../src/sandbox/vault/index.js';
import { runCli, tempHome } from './support/cli.js';

const N = 3;
const paths = Array.from({ length: 9 }, (_, i) => `app/share-${i}`);
const dir = mkdtempSync(join(tmpdir(), 'rotor-shards-'));
const home = tempHome();
let vault: VaultEmulator;
let env: Record<string, string>;

beforeAll(async () => {
  vault = await startVaultEmulator();
  env = {
    ROTOR_HOME: home.home,
    VAULT_ADDR: vault.url,
    VAULT_TOKEN: vault.rootToken,
    ROTOR_STORE_PREFIX: 'rotor-shards',
    ROTOR_RETRY_DELAY: '50ms',
  };
  for (const path of paths) {
    vault.kvWrite(path, { 'api-key': `old-${path}` }, { createdTime: Date.parse('2025-12-01T00:00:00Z') });
    const file = join(dir, `${path.replace(/\W/g, '-')}.json`);
    writeFileSync(
      file,
      JSON.stringify({
        secret_path: path,
        rotation_type: 'scheduled',
        rotation_period_days: 30,
        created_at: '2026-01-01T00:00:00Z',
        runbook: 'generic',
      }),
    );
    const added = await runCli(['policy', 'add', '--file', file, '--env', 'local'], env);
    expect(added.stderr).toBe('');
  }
}, 120_000);

afterAll(async () => {
  await vault?.close();
  home.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe('rotor run --due in shares', () => {
  it(`${N} processes with indexes 0..${N - 1} rotate every due policy exactly once, each its hash's share`, async () => {
    const runs = await Promise.all(
      Array.from({ length: N }, (_, index) =>
        runCli(
          ['run', '--due', '--yes', '--json', '--env', 'local'],
          {
            ...env,
            JOB_COMPLETION_INDEX: String(index),
            JOB_COMPLETIONS: String(N),
          },
          150_000,
        ),
      ),
    );
    const rotated: string[] = [];
    runs.forEach((r, index) => {
      expect(r.stderr, `share ${index}`).toBe('');
      expect(r.code, `share ${index}`).toBe(0);
      const summary = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as {
        type: string;
        shard: { index: number; count: number };
        results: Array<{ secret_path: string; verdict: string }>;
      };
      expect(summary).toMatchObject({ type: 'due-summary', shard: { index, count: N } });
      for (const result of summary.results) {
        expect(result.verdict).toBe('ok');
        expect(shardOf(result.secret_path, N)).toBe(index);
        rotated.push(result.secret_path);
      }
    });
    expect(rotated.sort()).toEqual([...paths].sort());
    // Exactly once: one new version each, and nothing due any more.
    for (const path of paths) expect(vault.kvRead(path)!.version, path).toBe(2);
    const after = await runCli(['run', '--due', '--yes', '--env', 'local'], env);
    expect(after.stdout).toContain('nothing is due in local');
  }, 200_000);

  it('takes the share from flags too, and refuses a share that cannot be', async () => {
    const dry = await runCli(
      ['run', '--due', '--dry-run', '--env', 'local', '--shard-index', '1', '--shard-count', '2'],
      env,
    );
    expect(dry.code).toBe(0);
    const bad = await runCli(
      ['run', '--due', '--yes', '--env', 'local', '--shard-index', '2', '--shard-count', '2'],
      env,
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--shard-index 2 is not below --shard-count 2');
    const noDue = await runCli(
      ['run', 'generic', '--yes', '--env', 'local', '--shard-index', '0', '--shard-count', '2'],
      env,
    );
    expect(noDue.code).toBe(2);
    expect(noDue.stderr).toContain('--shard-index and --shard-count only apply to --due');
  }, 60_000);

  it('splits paths stably: the same share in every process, every share used', () => {
    expect(shardOf('harmonyflow/redis', 4)).toBe(shardOf('harmonyflow/redis', 4));
    const counts = new Array(4).fill(0);
    for (let i = 0; i < 400; i++) counts[shardOf(`team/secret-${i}`, 4)] += 1;
    for (const c of counts) expect(c).toBeGreaterThan(60);
    expect(shardFrom({}, { JOB_COMPLETION_INDEX: '2', JOB_COMPLETIONS: '5' })).toEqual({
      index: 2,
      count: 5,
    });
    expect(shardFrom({}, {})).toBeUndefined();
    expect(() => shardFrom({}, { JOB_COMPLETION_INDEX: '0' })).toThrow('JOB_COMPLETIONS is missing');
  });
});
