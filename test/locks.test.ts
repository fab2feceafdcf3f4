import { spawn } from 'node:child_process';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActionRegistry } from '../src/actions/index.js';
import { createVaultPort, vaultConfigFromEnv } from '../src/adapters/vault.js';
import type { Decider } from '../src/engine/types.js';
import { findRunbook, loadCatalog } from '../src/session/catalog.js';
import { LOCAL } from '../src/session/environments.js';
import { LockHeldError, VaultLocks } from '../src/session/locks.js';
import { ephemeralLockNonce } from '../src/session/lock-nonce.js';
import { createSessionStarter } from '../src/session/start-session.js';
import { startSandboxWorld, type SandboxHandles } from '../src/sandbox/world.js';
import type { World } from '../src/session/world.js';
import { CLI, runCli } from './support/cli.js';

const RUNBOOK = resolve(import.meta.dirname, 'fixtures/lock-rotation.yaml');
const approve: Decider = async (r) => (r.kind === 'approve' ? 'approve' : 'rollback');
let world: World & { sandbox: SandboxHandles };
let journalDir: string;

beforeAll(async () => {
  world = await startSandboxWorld({ readinessDelayMs: 20 });
  journalDir = mkdtempSync(join(tmpdir(), 'rotor-locks-'));
});
afterAll(async () => {
  await world?.close();
  rmSync(journalDir, { recursive: true, force: true });
});

/** An operator's rotor: its own Vault client over HTTP, as another machine would have. */
async function operatorStarter(name: string) {
  const vault = await createVaultPort(
    vaultConfigFromEnv(
      { VAULT_ADDR: world.sandbox.vault.url, VAULT_TOKEN: world.sandbox.vault.rootToken },
      homedir(),
      { renewToken: false },
    ),
  );
  const actions = createActionRegistry();
  const catalog = loadCatalog(actions);
  return createSessionStarter({
    actions,
    findRunbook: (ref) => findRunbook(ref, catalog, actions),
    environment: () => LOCAL,
    connect: async () => ({ ...world, ports: { ...world.ports, vault }, close: async () => undefined }),
    journalDir,
    keyDir: join(journalDir, 'keys'),
    operator: `${name}@host`,
    command: 'run lock-rotation',
    rotorVersion: 'test',
    env: {},
    onEnded: async () => undefined,
  });
}

describe('rotation locks in Vault', () => {
  it('lets exactly one of two operators proceed, 50 times in a row', async () => {
    const [alice, bob] = await Promise.all([operatorStarter('alice'), operatorStarter('bob')]);
    const versionBefore = world.sandbox.vault.kvRead('harmonyflow/redis')!.version;
    for (let i = 0; i < 50; i++) {
      const results = await Promise.allSettled(
        [alice, bob].map((start) =>
          start({ runbookId: RUNBOOK, environment: 'local', inputs: {}, decide: approve }),
        ),
      );
      const winners = results.filter((r) => r.status === 'fulfilled');
      const losers = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(winners).toHaveLength(1);
      expect(losers).toHaveLength(1);
      expect(losers[0].reason).toBeInstanceOf(LockHeldError);
      expect(losers[0].reason.message).toMatch(
        /^harmonyflow\/redis is being rotated by (alice|bob)@host since \S+ \(session \S+, runbook lock-rotation\)$/,
      );
      const outcome = await (winners[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof alice>>>).value
        .done;
      expect(outcome.status).toBe('succeeded');
    }
    // Every winner rotated once: no lost or doubled update.
    expect(world.sandbox.vault.kvRead('harmonyflow/redis')!.version).toBe(versionBefore + 50);
  });

  it('takes over an expired lock, and breaks a live one only when forced', async () => {
    const vault = world.ports.vault!;
    let now = Date.parse('2026-11-23T12:00:00Z');
    const locks = new VaultLocks(vault, 'rotor-expiry', () => now);
    const s1 = ephemeralLockNonce();
    await locks.acquire(
      'harmonyflow/admin',
      { session: 's1', operator: 'alice@host', runbook: 'api-key' },
      60_000,
      s1,
    );
    await expect(
      locks.acquire('harmonyflow/admin', { session: 's2', operator: 'bob@host', runbook: 'api-key' }, 60_000),
    ).rejects.toThrow(/being rotated by alice@host since 2026-11-23T12:00:00.000Z \(session s1/);
    now += 61_000;
    await locks.acquire(
      'harmonyflow/admin',
      { session: 's2', operator: 'bob@host', runbook: 'api-key' },
      60_000,
    );
    expect((await locks.read('harmonyflow/admin'))?.holder.session).toBe('s2');
    expect(await locks.release('harmonyflow/admin', s1)).toBeUndefined(); // not s1's any more
    expect((await locks.release('harmonyflow/admin', undefined, { force: true }))?.session).toBe('s2');
    expect((await locks.read('harmonyflow/admin'))?.released).toBe(true);
  });
});

describe('rotor unlock', () => {
  it('refuses without --confirm naming the holder, breaks with it, and journals the break', async () => {
    const home = mkdtempSync(join(tmpdir(), 'rotor-unlock-home-'));
    const env = {
      ROTOR_HOME: home,
      VAULT_ADDR: world.sandbox.vault.url,
      VAULT_TOKEN: world.sandbox.vault.rootToken,
      KUBECONFIG: '',
    };
    try {
      await new VaultLocks(world.ports.vault!).acquire(
        'harmonyflow/rabbitmq',
        { session: 'dead-1', operator: 'carol@laptop', runbook: 'rabbitmq' },
        3_600_000,
      );
      const refused = await runCli(['unlock', 'harmonyflow/rabbitmq', '--env', 'local'], env);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('harmonyflow/rabbitmq is locked by carol@laptop since');
      expect(refused.stderr).toContain('--confirm');
      const broken = await runCli(['unlock', 'harmonyflow/rabbitmq', '--env', 'local', '--confirm'], env);
      expect(broken.code).toBe(0);
      expect(broken.stdout).toContain('lock on harmonyflow/rabbitmq broken (was held by carol@laptop');
      const journal = readdirSync(join(home, 'sessions'))
        .map((f) => readFileSync(join(home, 'sessions', f), 'utf8'))
        .join('');
      expect(journal).toContain('"type":"lock-broken"');
      expect(journal).toContain('dead-1');
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});

describe('rotation locks across processes', () => {
  it('two rotor processes against one Vault, 50 times: exactly one proceeds, the other says who holds the lock', async () => {
    const home = mkdtempSync(join(tmpdir(), 'rotor-locks-home-'));
    // The winner waits at this gate until the other process has exited, so the two always overlap
    // however slowly either starts; a gate held 20 s means both got through (and the test fails).
    const held: ServerResponse[] = [];
    let open = false; // per round: the gate opens once either process has exited
    const release = () => {
      open = true;
      held.splice(0).forEach((res) => res.writeHead(200).end('open'));
    };
    const gate = createServer((_req, res) => {
      if (open) return void res.writeHead(200).end('open');
      held.push(res);
    });
    await new Promise<void>((ready) => gate.listen(0, '127.0.0.1', ready));
    const gateUrl = `http://127.0.0.1:${(gate.address() as AddressInfo).port}/gate`;
    const env = {
      ...process.env,
      ROTOR_HOME: home,
      VAULT_ADDR: world.sandbox.vault.url,
      VAULT_TOKEN: world.sandbox.vault.rootToken,
      KUBECONFIG: '',
      NO_COLOR: '1',
    };
    const runOnce = () =>
      new Promise<{ code: number | null; stderr: string }>((done) => {
        const child = spawn(
          process.execPath,
          [CLI, 'run', RUNBOOK, '--env', 'local', '--yes', '--json', '--set', `gate_url=${gateUrl}`],
          { env, stdio: ['ignore', 'ignore', 'pipe'] },
        );
        let stderr = '';
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('close', (code) => {
          release();
          done({ code, stderr });
        });
      });
    const versionBefore = world.sandbox.vault.kvRead('harmonyflow/redis')!.version;
    try {
      for (let i = 0; i < 50; i++) {
        open = false;
        const fallback = setTimeout(release, 20_000);
        const results = await Promise.all([runOnce(), runOnce()]);
        clearTimeout(fallback);
        expect(
          results.map((r) => r.code).sort(),
          `round ${i + 1}: ${results.map((r) => r.stderr).join('\n')}`,
        ).toEqual([0, 2]);
        expect(results.find((r) => r.code === 2)!.stderr).toMatch(
          /harmonyflow\/redis is being rotated by .+ since .+ \(session \S+, runbook lock-rotation\)/,
        );
      }
      expect(world.sandbox.vault.kvRead('harmonyflow/redis')!.version, 'one rotation per round').toBe(
        versionBefore + 50,
      );
    } finally {
      gate.close();
      rmSync(home, { recursive: true, force: true });
    }
  }, 240_000);
});
