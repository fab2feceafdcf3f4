import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createVaultPort, vaultConfigFromEnv } from '../../src/adapters/vault.js';
import { VaultPathError } from '../../src/vault-path/index.js';
import { startSandboxWorld, type SandboxHandles } from '../../src/sandbox/world.js';
import type { World } from '../../src/session/world.js';
import { runCli, tempHome } from '../support/cli.js';
import { vaultState } from '../support/vault-versions.js';

// Issue 12, finding 1: `..` in a secret path escaped its place (rotor's lock and history records
// landed on secret/harmonyflow/admin; `connection=../../sys/seal` sealed Vault). Each spelling is
// now refused at parse time: exit 2, one message naming the input, and nothing written anywhere.

let world: World & { sandbox: SandboxHandles };
let home: ReturnType<typeof tempHome>;
let env: Record<string, string>;

beforeAll(async () => {
  world = await startSandboxWorld({ readinessDelayMs: 20 });
  home = tempHome();
  env = {
    ROTOR_HOME: home.home,
    VAULT_ADDR: world.sandbox.vault.url,
    VAULT_TOKEN: world.sandbox.vault.rootToken,
    KUBECONFIG: '',
  };
});
afterAll(async () => {
  await world?.close();
  home?.cleanup();
});

/** Runs rotor and checks the refusal: exit 2, one message line (plus its hint), nothing changed in Vault. */
async function refused(args: string[], message: RegExp) {
  const before = await vaultState(world.sandbox.vault);
  const r = await runCli(args, env);
  const lines = r.stderr.trim().split('\n');
  expect(r.code, `rotor ${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(2);
  expect(lines[0]).toMatch(message);
  expect(lines.length, r.stderr).toBeLessThanOrEqual(2);
  expect(await vaultState(world.sandbox.vault)).toEqual(before);
  return r;
}

describe('a secret path that escapes its place', () => {
  it('run generic --set secret_path=../../harmonyflow/admin: refused, secret/harmonyflow/admin unchanged, no lock and no history', async () => {
    const adminBefore = world.sandbox.vault.kvRead('harmonyflow/admin');
    await refused(
      ['run', 'generic', '--env', 'local', '--yes', '--set', 'secret_path=../../harmonyflow/admin'],
      /^rotor: input secret_path: "\.\.\/\.\.\/harmonyflow\/admin" has a "\.\." segment/,
    );
    expect(world.sandbox.vault.kvRead('harmonyflow/admin')).toEqual(adminBefore);
    const state = await vaultState(world.sandbox.vault);
    expect(Object.keys(state.versions).filter((k) => k.startsWith('rotor/'))).toEqual([]);
  });

  it('policy add ../../harmonyflow/rabbitmq: refused and nothing stored', async () => {
    await refused(
      [
        'policy',
        'add',
        '../../harmonyflow/rabbitmq',
        '--env',
        'local',
        '--rotation-type',
        'manual',
        '--runbook',
        'rabbitmq',
      ],
      /^rotor: policy: secret_path: "\.\.\/\.\.\/harmonyflow\/rabbitmq" has a "\.\." segment/,
    );
  });

  it('connection=../../sys/seal for postgres-dynamic: refused as a --set and as a policy input; Vault stays unsealed', async () => {
    await refused(
      [
        'run',
        'postgres-dynamic',
        '--env',
        'local',
        '--yes',
        '--set',
        'connection=../../sys/seal',
        '--set',
        'db_url=postgres://127.0.0.1:1/x',
      ],
      /^rotor: input connection: "\.\.\/\.\.\/sys\/seal" has a "\.\." segment/,
    );
    await refused(
      [
        'policy',
        'add',
        'harmonyflow/postgresql',
        '--env',
        'local',
        '--rotation-type',
        'manual',
        '--runbook',
        'postgres-dynamic',
        '--input',
        'connection=../../sys/seal',
      ],
      /^rotor: input connection: "\.\.\/\.\.\/sys\/seal" has a "\.\." segment/,
    );
    expect(world.sandbox.vault.isSealed()).toBe(false);
  });

  it('status, history and unlock refuse the same spellings', async () => {
    await refused(
      ['status', '../../harmonyflow/admin', '--env', 'local'],
      /^rotor: the secret path: .* has a "\.\." segment/,
    );
    await refused(['history', 'secret/data/harmonyflow/admin', '--env', 'local'], /is the API's spelling/);
    await refused(['unlock', '/harmonyflow/admin', '--env', 'local', '--confirm'], /starts with "\/"/);
  });

  it('a runbook file whose literal path escapes is refused before its first step', async () => {
    const file = join(home.home, 'escape.yaml');
    writeFileSync(
      file,
      [
        'id: escape',
        'title: Writes outside its place',
        // Declared, so the loader lets it through to the path check this test is about.
        'rotates: ["harmonyflow/%2e%2e/%2e%2e/rotor/locks/x"]',
        'steps:',
        '  - id: write',
        '    do: vault.kv-write',
        '    with: { path: "harmonyflow/%2e%2e/%2e%2e/rotor/locks/x", data: { a: b } }',
        '',
      ].join('\n'),
    );
    await refused(
      ['run', file, '--env', 'local', '--yes'],
      /^rotor: step write: path: ".*" holds a percent-encoding/,
    );
  });

  it('the adapter refuses a bad path too, if a caller forgot to parse it (defence in depth)', async () => {
    const vault = await createVaultPort(
      vaultConfigFromEnv(
        { VAULT_ADDR: world.sandbox.vault.url, VAULT_TOKEN: world.sandbox.vault.rootToken },
        home.home,
        {
          renewToken: false,
        },
      ),
    );
    try {
      const before = await vaultState(world.sandbox.vault);
      await expect(
        vault.kvWrite({ mount: 'secret', path: 'rotor/locks/../../harmonyflow/admin' }, { a: 'b' }),
      ).rejects.toBeInstanceOf(VaultPathError);
      await expect(vault.kvRead({ mount: 'secret', path: 'a//b' })).rejects.toBeInstanceOf(VaultPathError);
      await expect(vault.dbRotateRoot('database', '../../sys/seal')).rejects.toBeInstanceOf(VaultPathError);
      await expect(vault.transitRotate('sys', 'seal')).rejects.toBeInstanceOf(VaultPathError);
      await expect(vault.write('pki/../sys/seal', {})).rejects.toBeInstanceOf(VaultPathError);
      expect(await vaultState(world.sandbox.vault)).toEqual(before);
    } finally {
      vault.close();
    }
  });
});
