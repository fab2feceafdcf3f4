// Issue 12, finding 3: `rotor resume --yes` skipped the protected environment's confirmation.
// A TUI session on a protected profile, killed while it waited for the operator to type the
// environment's name, was resumed headless with --yes and rotated; `run --yes` is refused there.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RotorContext } from '../../src/services/rotor-context.js';
import type { Answer, DecisionRequest } from '../../src/engine/types.js';
import { rotateSecretNow } from '../../src/index.js';
import { startVaultEmulator, type VaultEmulator } from '../../src/sandbox/vault/index.js';
import { runCli } from '../support/cli.js';
import { fakeWorld, runFake } from '../support/fake-engine.js';

const twoSteps = `id: p\ntitle: P\nsteps:\n  - { id: r, do: fake.read, with: { key: a } }\n  - { id: a, do: fake.set, with: { key: a, value: "1" } }\n`;

describe('the engine and a protected environment', () => {
  it('refuses an approval that carries no confirmation: an auto-approving decider changes nothing', async () => {
    const world = fakeWorld();
    const run = await runFake(twoSteps, {
      world,
      protectedEnvironment: 'production',
      decide: async () => 'approve',
    });
    expect(world.calls).toEqual(['read a']);
    expect(run.outcome.status).toBe('aborted');
    expect('reason' in run.outcome && run.outcome.reason).toContain('environment production is protected');
    expect(run.events).toContainEqual(
      expect.objectContaining({ type: 'decision', stepId: 'a', request: 'approve', decision: 'abort' }),
    );
  });

  it('accepts the approval that carries the environment name, and only that name', async () => {
    const confirmed =
      (name: string) =>
      async (r: DecisionRequest): Promise<Answer> =>
        r.kind === 'approve' && r.confirmEnvironment
          ? { decision: 'approve', confirmedEnvironment: name }
          : 'approve';
    const wrong = fakeWorld();
    await runFake(twoSteps, {
      world: wrong,
      protectedEnvironment: 'production',
      decide: confirmed('staging'),
    });
    expect(wrong.values).toEqual({});
    const right = fakeWorld();
    const run = await runFake(twoSteps, {
      world: right,
      protectedEnvironment: 'production',
      decide: confirmed('production'),
    });
    expect(run.outcome.status).toBe('succeeded');
    expect(right.values).toEqual({ a: '1' });
  });
});

describe('headless paths on a protected profile', () => {
  let vault: VaultEmulator;
  const home = mkdtempSync(join(tmpdir(), 'rotor-protected-'));
  const env = () => ({ ROTOR_HOME: home, VAULT_ADDR: vault.url, VAULT_TOKEN: vault.rootToken });
  const version = () => vault.kvRead('harmonyflow/iot-api-key')?.version;

  beforeAll(async () => {
    vault = await startVaultEmulator();
    vault.kvWrite('harmonyflow/iot-api-key', { 'api-key': 'old-key' });
    const added = await runCli(['env', 'add', 'prod', '--protected', '--vault-addr', vault.url], env());
    expect(added.code, added.stderr).toBe(0);
  });
  afterAll(async () => {
    await vault?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('resume --yes of a session killed at its confirmation prompt is refused without --confirm-env', async () => {
    // The TUI's session: read-only steps approved, then the process dies while the operator is
    // asked to type the environment's name (the decider never answers that request).
    const ctx = new RotorContext({ ...process.env, ...env() });
    await ctx.prepareEnvironment('prod');
    let asked: string | undefined;
    const handle = await ctx.starter('run generic --env prod')({
      runbookId: 'generic',
      environment: 'prod',
      inputs: {},
      decide: async (request) => {
        if (request.kind === 'approve' && request.confirmEnvironment) {
          asked = request.step.id;
          throw new Error('killed while the operator was to type the environment name');
        }
        return 'approve';
      },
    });
    await expect(handle.done).rejects.toThrow('killed');
    expect(asked).toBe('rotate');
    expect(version()).toBe(1);

    const refused = await runCli(['resume', handle.sessionId, '--yes'], env());
    expect(refused.code, refused.stdout + refused.stderr).toBe(2);
    expect(refused.stderr).toContain('environment prod is protected: --yes needs --confirm-env prod');
    expect(version()).toBe(1);
    const wrong = await runCli(['resume', handle.sessionId, '--yes', '--confirm-env', 'production'], env());
    expect(wrong.code).toBe(2);
    expect(version()).toBe(1);

    // Given explicitly, the confirmation is the operator's: the rotation goes ahead.
    const resumed = await runCli(['resume', handle.sessionId, '--yes', '--confirm-env', 'prod'], env());
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
    expect(version()).toBe(2);
  });

  it('run --due --yes and the library API apply the same rule', async () => {
    const due = await runCli(['run', '--due', '--yes', '--env', 'prod'], env());
    expect(due.code).toBe(2);
    expect(due.stderr).toContain('environment prod is protected: --yes needs --confirm-env prod');
    await expect(
      rotateSecretNow('harmonyflow/iot-api-key', {
        environment: 'prod',
        runbook: 'generic',
        env: { ...process.env, ...env() },
      }),
    ).rejects.toThrow('environment prod is protected: pass confirmEnvironment: "prod"');
    expect(version()).toBe(2);
  });
});
