import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxWorld, type SandboxHandles } from '../../src/sandbox/world.js';
import { sessionLockNonce } from '../../src/session/lock-nonce.js';
import { VaultLocks } from '../../src/session/locks.js';
import type { World } from '../../src/session/world.js';
import { runCli, tempHome } from '../support/cli.js';

// Issue 12, finding 2: the rotation lock keyed on the raw text (`secret/x` was another lock than
// `x`), and a session id, printed in every refusal, was enough to take a live lock over by
// resuming a copied journal under that id. Locks now key on the canonical path and belong to the
// owner of a secret nonce kept beside the session's journal.

const SECRET = 'harmonyflow/iot-api-key';
let world: World & { sandbox: SandboxHandles };
let holderHome: ReturnType<typeof tempHome>;
let attackerHome: ReturnType<typeof tempHome>;
const envFor = (home: string) => ({
  ROTOR_HOME: home,
  VAULT_ADDR: world.sandbox.vault.url,
  VAULT_TOKEN: world.sandbox.vault.rootToken,
  KUBECONFIG: '',
});

beforeAll(async () => {
  world = await startSandboxWorld({ readinessDelayMs: 20 });
  holderHome = tempHome();
  attackerHome = tempHome();
});
afterAll(async () => {
  await world?.close();
  holderHome?.cleanup();
  attackerHome?.cleanup();
});

describe('the rotation lock', () => {
  it('cannot be taken over by resuming a copied journal under the holder id, and is not released by it', async () => {
    const env = envFor(attackerHome.home);
    // Any interrupted journal of a generic rotation: a finished one cut after its plan was recorded.
    const done = await runCli(['run', 'generic', '--env', 'local', '--yes'], env);
    expect(done.code, done.stderr).toBe(0);
    const sessions = join(attackerHome.home, 'sessions');
    const [own] = readdirSync(sessions).filter((f) => f.endsWith('.jsonl'));
    const lines = readFileSync(join(sessions, own), 'utf8').split('\n').filter(Boolean);
    const cut = lines.findIndex((l) => l.includes('"type":"session-started"'));
    expect(cut, lines.join('\n')).toBeGreaterThan(0);

    // The holder: another operator's session sits at its prompt with the lock taken.
    const locks = new VaultLocks(world.ports.vault!);
    const holderNonce = sessionLockNonce(join(holderHome.home), 'holder-1');
    await locks.acquire(
      SECRET,
      { session: 'holder-1', operator: 'alice@laptop', runbook: 'generic' },
      3_600_000,
      holderNonce,
    );
    const before = world.sandbox.vault.kvRead(SECRET)!.version;

    writeFileSync(join(sessions, 'holder-1.jsonl'), lines.slice(0, cut + 1).join('\n') + '\n', {
      mode: 0o600,
    });
    const resumed = await runCli(['resume', 'holder-1', '--yes'], env);
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(2);
    expect(resumed.stderr).toMatch(
      /^rotor: harmonyflow\/iot-api-key is being rotated by alice@laptop since /,
    );
    expect(world.sandbox.vault.kvRead(SECRET)!.version, 'not rotated').toBe(before);
    const lock = await locks.read(SECRET);
    expect(lock?.released, 'the holder keeps its lock').toBe(false);
    expect(lock?.holder.session).toBe('holder-1');
    // The genuine holder still owns it: it releases with its nonce.
    expect((await locks.release(SECRET, holderNonce))?.session).toBe('holder-1');
  });

  it('covers what a custom runbook writes, whatever its input is called: refused unless declared, then a live lock stops it', async () => {
    const env = envFor(attackerHome.home);
    const file = join(attackerHome.home, 'rename.yaml');
    const runbook = (rotates: string[]) =>
      [
        'id: rename',
        'title: Rotate a secret named by another input',
        ...rotates,
        'inputs:',
        `  target: { default: ${SECRET} }`,
        'steps:',
        '  - id: rotate',
        '    do: vault.kv-rotate',
        '    with: { path: "{{ inputs.target }}", fields: token }',
        '',
      ].join('\n');
    const locks = new VaultLocks(world.ports.vault!);
    const nonce = sessionLockNonce(holderHome.home, 'holder-4');
    await locks.acquire(
      SECRET,
      { session: 'holder-4', operator: 'alice@laptop', runbook: 'generic' },
      3_600_000,
      nonce,
    );
    const before = world.sandbox.vault.kvRead(SECRET)!.version;
    try {
      // Not declaring what it rotates is refused at load: it would take no lock and write no history.
      writeFileSync(file, runbook([]));
      const undeclared = await runCli(['run', file, '--env', 'local', '--yes'], env);
      expect(undeclared.code, undeclared.stdout + undeclared.stderr).toBe(2);
      expect(undeclared.stderr).toContain('which the runbook does not say it rotates');
      // Declared, the secret is locked under its canonical path like any other: the holder wins.
      writeFileSync(file, runbook(['rotates: ["{{ inputs.target }}"]']));
      const r = await runCli(['run', file, '--env', 'local', '--yes'], env);
      expect(r.code, r.stdout + r.stderr).toBe(2);
      expect(r.stderr).toContain(`${SECRET} is being rotated by alice@laptop`);
      expect(world.sandbox.vault.kvRead(SECRET)!.version).toBe(before);
    } finally {
      await locks.release(SECRET, nonce);
    }
  });

  it('is the same lock for every spelling: secret/<path> is refused, <path> waits for the holder', async () => {
    const env = envFor(attackerHome.home);
    const locks = new VaultLocks(world.ports.vault!);
    const nonce = sessionLockNonce(holderHome.home, 'holder-2');
    await locks.acquire(
      SECRET,
      { session: 'holder-2', operator: 'alice@laptop', runbook: 'generic' },
      3_600_000,
      nonce,
    );
    const before = world.sandbox.vault.kvRead(SECRET)!.version;
    try {
      const spelled = await runCli(
        ['run', 'generic', '--env', 'local', '--yes', '--set', `secret_path=secret/${SECRET}`],
        env,
      );
      expect(spelled.code, spelled.stderr).toBe(2);
      expect(spelled.stderr).toContain(`input secret_path: "secret/${SECRET}" is ambiguous`);
      expect(spelled.stderr).toContain(`write ${SECRET}`);
      const plain = await runCli(['run', 'generic', '--env', 'local', '--yes'], env);
      expect(plain.code, plain.stderr).toBe(2);
      expect(plain.stderr).toContain(`${SECRET} is being rotated by alice@laptop`);
      expect(world.sandbox.vault.kvRead(SECRET)!.version).toBe(before);
    } finally {
      await locks.release(SECRET, nonce);
    }
  });

  it('the same session retakes its own live lock (resume after a kill); the nonce is 0600 and only its hash reaches Vault', async () => {
    const locks = new VaultLocks(world.ports.vault!);
    const dir = holderHome.home;
    const first = sessionLockNonce(dir, 'killed-1');
    await locks.acquire(
      SECRET,
      { session: 'killed-1', operator: 'bob@host', runbook: 'generic' },
      3_600_000,
      first,
    );
    // The process died; the same session comes back and finds its nonce beside its journal.
    const again = sessionLockNonce(dir, 'killed-1');
    await locks.acquire(
      SECRET,
      { session: 'killed-1', operator: 'bob@host', runbook: 'generic' },
      3_600_000,
      again,
    );
    const file = join(dir, 'killed-1.lock-nonce');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const nonce = readFileSync(file, 'utf8');
    const record = await world.sandbox.vault.call('GET', `secret/data/rotor/locks/${SECRET}`);
    expect(JSON.stringify(record.body)).not.toContain(nonce);
    // Another folder holding a journal of the same id has no nonce: it waits like anyone else.
    await expect(
      locks.acquire(
        SECRET,
        { session: 'killed-1', operator: 'eve@host', runbook: 'generic' },
        3_600_000,
        sessionLockNonce(attackerHome.home, 'killed-1'),
      ),
    ).rejects.toThrow(/being rotated by bob@host/);
    await locks.release(SECRET, again);
  });
});
