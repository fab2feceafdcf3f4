import { writeFileSync } from 'node:fs';
import { valuesOf } from '../../src/inventory/layers.js';
import { sandboxLayer } from '../../src/sandbox/sandbox-inputs.js';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActionRegistry } from '../../src/actions/index.js';
import type { VaultPort } from '../../src/ports/vault-port.js';
import { kvApiPath } from '../../src/adapters/vault-api-path.js';
import { historyCommand } from '../../src/commands/history.js';
import type { Io } from '../../src/commands/io.js';
import { statusCommand } from '../../src/commands/status.js';
import { unlockCommand } from '../../src/commands/unlock.js';
import { buildPlan } from '../../src/engine/plan.js';
import { printable } from '../../src/errors.js';
import { parsePolicy } from '../../src/policy/policy.js';
import { resolveInputs } from '../../src/runbook/inputs.js';
import { startSandboxWorld, type SandboxHandles } from '../../src/sandbox/world.js';
import { findRunbook, loadCatalog } from '../../src/session/catalog.js';
import { ephemeralLockNonce } from '../../src/session/lock-nonce.js';
import { VaultLocks } from '../../src/session/locks.js';
import type { World } from '../../src/session/world.js';
import { parseEngineName, parseKvPath, VaultPathError } from '../../src/vault-path/index.js';
import { runCli, tempHome } from '../support/cli.js';
import { vaultState } from '../support/vault-versions.js';

// Issue 12, "Show": thousands of hostile spellings of paths and names through every entry that
// takes one. Each is refused (exit 2, one message) or accepted as exactly itself everywhere;
// never half-accepted, never normalised into another secret.

const CONTROLS = Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).concat('\u007f');
const LOOKALIKES = [
  '\u2024',
  '\u2025',
  '\uff0e',
  '\u3002',
  '\u2215',
  '\u2044',
  '\uff0f',
  '\u29f8',
  '\u00a0',
  '\u200b',
];
const ATOMS = [
  ...[
    '.',
    '..',
    '...',
    '%2e',
    '%2E%2e',
    '%2e%2e',
    '%2f',
    '%2F',
    '%5c',
    '%00',
    '',
    ' ',
    '\\',
    '..\\',
    '?',
    '#',
    '*',
  ],
  ...CONTROLS,
  ...LOOKALIKES,
];
const TEMPLATES = [
  (a: string) => a,
  (a: string) => `${a}/admin`,
  (a: string) => `harmonyflow/${a}`,
  (a: string) => `harmonyflow/${a}/admin`,
  (a: string) => `${a}/${a}/harmonyflow/admin`,
  (a: string) => `harmonyflow${a}admin`,
];
const PREFIXES = ['', '/', '//', 'secret/', 'secret/data/', 'secret/metadata/', '../'];
const SUFFIXES = ['', '/'];
const LONG = [
  'a/'.repeat(300) + 'a',
  'x'.repeat(600),
  '../'.repeat(200) + 'sys/seal',
  `harmonyflow/${'b'.repeat(520)}`,
];

const spellings = [
  ...new Set([
    ...PREFIXES.flatMap((p) =>
      SUFFIXES.flatMap((s) => ATOMS.flatMap((a) => TEMPLATES.map((t) => p + t(a) + s))),
    ),
    ...LONG,
  ]),
];

const refusedBy = (fn: () => unknown): VaultPathError | undefined => {
  try {
    fn();
    return undefined;
  } catch (error) {
    if (error instanceof VaultPathError) return error;
    throw error;
  }
};

/** A refusal an operator can read: exit 2, one line once escaped, a hint. */
function expectOneMessage(error: VaultPathError, text: string) {
  expect(error.exitCode, text).toBe(2);
  expect(printable(error.message).includes('\n'), text).toBe(false);
  expect(error.hint, text).toBeTruthy();
}

const actions = createActionRegistry();
const catalog = loadCatalog(actions);
const planWith = (runbookId: string, inputs: Record<string, string>) => {
  const loaded = findRunbook(runbookId, catalog, actions);
  const env = { ROTOR_SANDBOX_PG_URL: 'postgres://127.0.0.1:1/x' };
  return buildPlan(loaded.runbook, {
    file: loaded.file,
    runbookHash: loaded.hash,
    environment: 'local',
    // preview: inputs that default to the environment (admin URLs) stay placeholders, as in a dry run
    // The environment's own inputs (the sandbox's addresses here) under what the test gives.
    inputs: resolveInputs(loaded.runbook, { ...valuesOf(sandboxLayer(loaded.runbook)), ...inputs }, env, {
      preview: true,
    }),
    env,
    actions,
    drill: false,
  });
};

/** A Vault that must never be called: a refused spelling reaches no server. */
const untouchable = new Proxy({} as VaultPort, {
  get: (_t, name) => {
    throw new Error(`Vault was called (${String(name)}) for a spelling that should have been refused`);
  },
});
const silentIo: Io = {
  argv: [],
  stdout: () => undefined,
  stderr: () => undefined,
  isTTY: false,
  onSignal: () => () => undefined,
};

describe(`${spellings.length} hostile spellings, in-process`, () => {
  it('every parse entry refuses or accepts each one the same way, and accepts only the spelling itself', async () => {
    expect(spellings.length).toBeGreaterThan(3000);
    let refused = 0;
    for (const [i, text] of spellings.entries()) {
      // parsePolicy checks the whole policy (time zones, cron): every third spelling is enough there.
      const policy = i % 3 === 0;
      const kv = refusedBy(() => parseKvPath(text, { input: 'input secret_path' }));
      if (kv) {
        refused++;
        expectOneMessage(kv, text);
        if (policy)
          expect(() => parsePolicy({ secret_path: text, rotation_type: 'manual' }), text).toThrow(
            /^policy: secret_path: /,
          );
      } else {
        expect(parseKvPath(text).path, text).toBe(text);
        if (policy)
          expect(parsePolicy({ secret_path: text, rotation_type: 'manual' }).secret_path, text).toBe(text);
      }
      // The adapter's last check refuses every spelling whose segments are bad, whatever the mount.
      const segmentsBad = refusedBy(() => parseKvPath(text, { mount: 'elsewhere' }));
      expect(refusedBy(() => kvApiPath({ mount: 'secret', path: text }, 'data')) !== undefined, text).toBe(
        segmentsBad !== undefined,
      );
      const name = refusedBy(() => parseEngineName(text, 'input connection'));
      if (name) expectOneMessage(name, text);
      else expect(text, 'a name accepted is one segment').toMatch(/^[A-Za-z0-9_.@-]+$/);
    }
    expect(refused).toBeGreaterThan(spellings.length * 0.9);
  });

  it('plans refuse them before anything runs: generic secret_path, postgres-dynamic connection, encryption-key key, emergency secret_paths', () => {
    // A plan costs about a millisecond: every third spelling, a twelfth through the larger runbooks.
    for (const [i, text] of spellings.entries()) {
      if (i % 3 !== 0) continue;
      const kvBad = refusedBy(() => parseKvPath(text)) !== undefined;
      const nameBad = refusedBy(() => parseEngineName(text)) !== undefined;
      const cases: Array<[string, Record<string, string>, string, boolean]> = [
        ['generic', { secret_path: text }, 'secret_path', kvBad],
        ['postgres-dynamic', { connection: text }, 'connection', nameBad],
      ];
      if (i % 12 === 0)
        cases.push(
          ['encryption-key', { key: text }, 'key', nameBad],
          [
            'emergency',
            { secret_paths: `harmonyflow/redis,${text}` },
            'secret_paths',
            kvBad && !text.includes(',') && text.trim() !== '',
          ],
        );
      for (const [runbook, inputs, input, bad] of cases) {
        if (text === '' || (runbook === 'emergency' && !bad)) continue; // empty: the default applies
        let error: unknown;
        try {
          planWith(runbook, inputs);
        } catch (e) {
          error = e;
        }
        if (bad) {
          expect(error, `${runbook} ${input}=${JSON.stringify(text)}`).toBeInstanceOf(VaultPathError);
          expect((error as VaultPathError).message.startsWith(`input ${input}: `), String(error)).toBe(true);
        } else if (error) {
          // Accepted as a path or name, it may still fail another rule of the runbook, never a path rule.
          expect(error, `${runbook} ${input}=${JSON.stringify(text)}`).not.toBeInstanceOf(VaultPathError);
        }
      }
    }
  });

  it('locks, status, history and unlock refuse them before touching Vault or the store', async () => {
    const locks = new VaultLocks(untouchable);
    const noHost = new Proxy({} as never, {
      get: () => {
        throw new Error('the store was opened for a spelling that should have been refused');
      },
    });
    // A third of them (time): each costs four async calls.
    for (const text of spellings.filter((_, i) => i % 3 === 0)) {
      if (!refusedBy(() => parseKvPath(text))) continue;
      await expect(
        locks.acquire(text, { session: 's', operator: 'o', runbook: 'r' }, 1000, ephemeralLockNonce()),
        text,
      ).rejects.toBeInstanceOf(VaultPathError);
      await expect(statusCommand(noHost, text, {}, silentIo), text).rejects.toBeInstanceOf(VaultPathError);
      await expect(historyCommand(noHost, text, {}, silentIo), text).rejects.toBeInstanceOf(VaultPathError);
      await expect(unlockCommand(noHost, text, {}, silentIo), text).rejects.toBeInstanceOf(VaultPathError);
    }
  });
});

describe('a sample through real rotor processes', () => {
  let world: World & { sandbox: SandboxHandles };
  let home: ReturnType<typeof tempHome>;
  beforeAll(async () => {
    world = await startSandboxWorld({ readinessDelayMs: 20 });
    home = tempHome();
  });
  afterAll(async () => {
    await world?.close();
    home?.cleanup();
  });

  it('run --set, policy add, status, history, unlock and a runbook file: exit 2, one message, no secret changed', async () => {
    const env = {
      ROTOR_HOME: home.home,
      VAULT_ADDR: world.sandbox.vault.url,
      VAULT_TOKEN: world.sandbox.vault.rootToken,
      KUBECONFIG: '',
    };
    // argv cannot carry NUL; an empty argument is a different usage error; a leading "-" an option.
    const hostile = spellings.filter(
      (t) => t !== '' && !t.includes('\u0000') && !t.startsWith('-') && refusedBy(() => parseKvPath(t)),
    );
    const step = Math.floor(hostile.length / 30);
    const sample = Array.from({ length: 30 }, (_, i) => hostile[i * step]);
    const entries: Array<(text: string, i: number) => string[]> = [
      (t) => ['run', 'generic', '--env', 'local', '--yes', '--set', `secret_path=${t}`],
      (t) => ['policy', 'add', t, '--env', 'local', '--rotation-type', 'manual', '--runbook', 'generic'],
      (t) => ['status', t, '--env', 'local'],
      (t) => ['history', t, '--env', 'local'],
      (t) => ['unlock', t, '--env', 'local', '--confirm'],
      (t, i) => {
        const file = join(home.home, `fuzz-${i}.yaml`);
        writeFileSync(
          file,
          `id: fuzz-${i}\ntitle: fuzz\nrotates: [${JSON.stringify(t)}]\nsteps:\n  - id: write\n    do: vault.kv-write\n    with: { path: ${JSON.stringify(t)}, data: { a: b } }\n`,
        );
        return ['run', file, '--env', 'local', '--yes'];
      },
    ];
    const before = await vaultState(world.sandbox.vault);
    const jobs = sample.map((text, i) => ({ text, args: entries[i % entries.length](text, i) }));
    const results: Array<{ text: string; args: string[]; code: number | null; stderr: string }> = [];
    const worker = async () => {
      for (let job = jobs.shift(); job; job = jobs.shift())
        results.push({ ...job, ...(await runCli(job.args, env)) });
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    for (const r of results) {
      const seen = `rotor ${JSON.stringify(r.args)} → ${r.code}\n${r.stderr}`;
      expect(r.code, seen).toBe(2);
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines[0], seen).toMatch(/^rotor: /);
      expect(lines.length, seen).toBeLessThanOrEqual(2);
    }
    expect(await vaultState(world.sandbox.vault), 'every secret keeps its version').toEqual(before);
  }, 120_000);
});
