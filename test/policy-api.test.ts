// The library API: the policy document's client operations, in-process, against a Vault emulator.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../src/errors.js';
import {
  configurePolicy,
  dueRotations,
  getRotationHistory,
  getRotationStats,
  getRotationStatus,
  listSecretsForRotation,
  rotateSecretNow,
} from '../src/index.js';
import { startVaultEmulator, type VaultEmulator } from '../src/sandbox/vault/index.js';

let vault: VaultEmulator;
const dir = mkdtempSync(join(tmpdir(), 'rotor-policy-api-'));
const script = (name: string, body: string) => {
  const file = join(dir, name);
  writeFileSync(file, `#!/bin/sh\ncat >/dev/null\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
};
const ok = script('ok.sh', 'echo "applied for $1"');
const fails = script('fails.sh', 'echo "the API refused the new key" >&2\nexit 1');

beforeAll(async () => {
  vault = await startVaultEmulator();
  // Written long ago (as Vault's metadata reports), so a policy on them is due at once.
  const longAgo = { createdTime: Date.parse('2025-12-01T00:00:00Z') };
  vault.kvWrite('bike/database', { password: 'old-database-password' }, longAgo);
  vault.kvWrite('bike/api-key', { password: 'old-api-key' }, longAgo);
});
afterAll(async () => {
  await vault?.close();
  rmSync(dir, { recursive: true, force: true });
});

const options = () => ({
  environment: 'local',
  env: {
    ...process.env,
    ROTOR_HOME: dir,
    VAULT_ADDR: vault.url,
    VAULT_TOKEN: vault.rootToken,
    ROTOR_STORE_PREFIX: 'rotor-api',
    ROTOR_RETRY_DELAY: '10ms',
  },
});

describe('the library API', () => {
  it('configures a policy with the same checks as the CLI', async () => {
    const policy = await configurePolicy(
      {
        secret_path: 'bike/database',
        rotation_type: 'scheduled',
        rotation_period_days: 90,
        rotation_script_path: ok,
        created_at: '2026-01-01T00:00:00Z',
      },
      options(),
    );
    expect(policy).toMatchObject({
      secret_path: 'bike/database',
      max_retries: 3,
      rollback_on_failure: true,
      is_active: true,
    });
    await expect(
      configurePolicy({ secret_path: 'bike/x', rotation_type: 'scheduled' }, options()),
    ).rejects.toThrow(UsageError);
    await expect(
      configurePolicy({ secret_path: 'bike/x', rotation_type: 'scheduled' }, options()),
    ).rejects.toThrow(/rotation_period_days: required for scheduled rotation/);
    expect(await listSecretsForRotation(options())).toEqual(['bike/database']);
    expect((await dueRotations(options())).map((d) => [d.secret_path, d.runbook])).toEqual([
      ['bike/database', 'custom-script'],
    ]);
  });

  it('rotates a secret now, and status, history and statistics follow from the run', async () => {
    const lines: string[] = [];
    const outcome = await rotateSecretNow('bike/database', { ...options(), onLog: (l) => lines.push(l) });
    expect(outcome).toMatchObject({
      secret_path: 'bike/database',
      verdict: 'ok',
      status: 'success',
      attempts: 1,
      exitCode: 0,
    });
    expect(lines.join('\n')).toContain('applied for bike/database');
    expect(vault.kvRead('bike/database')!.data.password).not.toBe('old-database-password');
    const status = await getRotationStatus('bike/database', options());
    expect(status).toMatchObject({
      scheduled: true,
      due: false,
      last_rotated: outcome.timestamp,
      last_status: 'success',
    });
    expect(await dueRotations(options())).toEqual([]);
    expect(
      (await getRotationHistory({ ...options(), secretPath: 'bike/database' })).map((e) => e.session_id),
    ).toEqual([outcome.session_id]);
  });

  it('rotates a secret that has no policy once, with the script given, and records the failure', async () => {
    const outcome = await rotateSecretNow('bike/api-key', { ...options(), rotationScriptPath: fails });
    expect(outcome).toMatchObject({ verdict: 'failed', status: 'rolled_back', attempts: 4, exitCode: 1 });
    expect(outcome.error).toContain('the API refused the new key');
    expect(vault.kvRead('bike/api-key')!.data.password).toBe('old-api-key');
    expect(await listSecretsForRotation(options())).toEqual(['bike/database']);
    const history = await getRotationHistory({ ...options(), limit: 3 });
    expect(history.map((e) => `${e.secret_path} ${e.status} ${e.attempt}`)).toEqual([
      'bike/api-key rolled_back 4',
      'bike/api-key rolled_back 3',
      'bike/api-key rolled_back 2',
    ]);
    expect(await getRotationStats(options())).toMatchObject({
      total_rotations: 5,
      success_count: 1,
      failed_count: 4,
      rolled_back_count: 4,
      success_rate: 0.2,
    });
    expect(await getRotationStats({ ...options(), secretPath: 'bike/database' })).toMatchObject({
      total_rotations: 1,
      success_rate: 1,
    });
  });
});
