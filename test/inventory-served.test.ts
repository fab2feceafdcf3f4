// `rotor sandbox` in one process, rotor runs in others with nothing but what it printed: the
// served world as an ordinary environment from its inventory, Vault references read with the
// operator's token, and a canary (the admin token read from Vault) that must never show.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { CLI, type CliResult } from './support/cli.js';
import { raw } from './support/vault-http.js';
import { TmuxTerminal } from './support/tmux.js';

const dirs: string[] = [];
const dir = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
};

let served: ChildProcess;
const printed: Record<string, string> = {};
let servedText = '';

/** What another shell has: PATH, a home of its own, and the lines `rotor sandbox` printed to export. */
function shellEnv(extra: Record<string, string> = {}): Record<string, string> {
  const home = dir('rotor-shell-');
  return {
    PATH: process.env.PATH!,
    HOME: home,
    ROTOR_HOME: home,
    NO_COLOR: '1',
    VAULT_TOKEN: printed.VAULT_TOKEN,
    ROTOR_INVENTORY: printed.ROTOR_INVENTORY,
    ...extra,
  };
}

/** Every process's command line, read while `watch` runs: a secret in argv would show here. */
function argvOfAll(): string {
  const out: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      out.push(readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' '));
    } catch {
      // gone already
    }
  }
  return out.join('\n');
}

/** The built CLI with exactly this environment (not the test's), sampling every argv as it runs. */
function rotor(args: string[], env: Record<string, string>, timeoutMs = 120_000) {
  return new Promise<CliResult & { argv: string }>((done, fail) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let argv = '';
    const sample = setInterval(() => (argv += argvOfAll()), 100);
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`rotor ${args.join(' ')} did not finish\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      clearInterval(sample);
      done({ code, stdout, stderr, argv });
    });
  });
}

const vaultRead = async (path: string, token = printed.VAULT_TOKEN) =>
  raw(printed.VAULT_ADDR, 'GET', `secret/data/${path}`, { token });

function journals(home: string): string {
  const sessions = join(home, 'sessions');
  if (!existsSync(sessions)) return '';
  return readdirSync(sessions)
    .map((f) => readFileSync(join(sessions, f), 'utf8'))
    .join('\n');
}

beforeAll(async () => {
  const home = dir('rotor-served-');
  served = spawn(process.execPath, [CLI, 'sandbox'], {
    env: { PATH: process.env.PATH!, HOME: home, ROTOR_HOME: home, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`rotor sandbox printed only:\n${servedText}`)), 90_000);
    const read = (d: Buffer) => {
      servedText += d;
      if (!servedText.includes('rotor run emergency')) return;
      clearTimeout(timer);
      done();
    };
    served.stdout!.on('data', read);
    served.stderr!.on('data', (d) => (servedText += d));
  });
  for (const line of servedText.split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line);
    if (m) printed[m[1]] = m[2];
  }
}, 120_000);

afterAll(async () => {
  const file = printed.ROTOR_INVENTORY;
  await new Promise<void>((done) => {
    served.once('close', () => done());
    served.kill('SIGINT');
  });
  // The written inventory goes with the world it described.
  if (file) expect(existsSync(file)).toBe(false);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('a served sandbox, from another shell, through its inventory', () => {
  it('prints what to export, and the inventory it wrote needs no trust step', () => {
    expect(Object.keys(printed)).toEqual(expect.arrayContaining(['VAULT_TOKEN', 'ROTOR_INVENTORY']));
    expect(servedText).toContain('rotor run emergency --env sandbox-served --yes');
    expect(readFileSync(printed.ROTOR_INVENTORY).length > 0).toBe(true);
  });

  it('env show: each input with its value or reference and where it comes from', async () => {
    const r = await rotor(['env', 'show', 'sandbox-served', '--runbook', 'emergency'], shellEnv());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /admin_token\s+vault:secret\/harmonyflow\/admin#api-token \(secret\)\s+← inventory \(runbook\) \S+sandbox\.inventory\.yaml:\d+:\d+/,
    );
    expect(r.stdout).toMatch(/service_url\s+http:\/\/127\.0\.0\.1:\d+\s+← inventory \(shared\)/);
    expect(r.stdout).toMatch(/concurrency\s+16\s+← runbook default/);
  });

  it('rotor run emergency --yes works with nothing exported but what it printed; the admin token read from Vault never shows', async () => {
    const before = await vaultRead('harmonyflow/admin');
    const canary = before.body.data.data['api-token'] as string;
    expect(canary.length).toBeGreaterThan(16);
    const env = shellEnv();
    const r = await rotor(['run', 'emergency', '--env', 'sandbox-served', '--yes'], env, 180_000);
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toContain('POST http://127.0.0.1');
    // The run used it (revoke-all answered 200 with it) and rotated it.
    expect(r.stdout).toMatch(/revoke-all → 200/);
    const after = await vaultRead('harmonyflow/admin');
    expect(after.body.data.data['api-token']).not.toBe(canary);
    const journal = journals(env.ROTOR_HOME);
    expect(journal).toContain('"admin_token":"hmac-sha256:');
    for (const [where, text] of [
      ['journal', journal],
      ['stdout', r.stdout],
      ['stderr', r.stderr],
      ['argv', r.argv],
    ])
      expect(text.includes(canary), `the canary reached the ${where}`).toBe(false);
    expect(r.argv).toContain('run emergency --env sandbox-served');
  }, 200_000);

  it('in the TUI (tmux): the form says the admin token comes from Vault, and no screen ever shows it', async () => {
    const canary = (await vaultRead('harmonyflow/admin')).body.data.data['api-token'] as string;
    const env = shellEnv();
    const term = TmuxTerminal.start(`node ${CLI} run emergency --env sandbox-served`, {
      env,
      width: 100,
      height: 30,
    });
    const screens: string[] = [];
    const see = async (text: string | RegExp, ms?: number) => {
      const screen = await term.waitFor(text, ms);
      screens.push(screen);
      return screen;
    };
    try {
      await see('Inputs for Emergency');
      // The review shows every input and where it comes from; one key accepts them all.
      term.press('a');
      const items = Number(/0 of (\d+) checked/.exec(await see(/0 of (\d+) checked/))![1]);
      for (let i = 1; i <= items; i++) {
        term.press('Enter');
        await see(i < items ? `${i} of ${items} checked` : 'All checked');
      }
      term.press('Enter');
      for (const phase of [
        'Vault answers',
        'Rotate every secret',
        'Sync every ExternalSecret',
        'Revoke every session',
        'Restart everything in the namespaces',
        'Mark the pods security-alert=true',
        'Health, a new login',
      ]) {
        await see(`? Approve ${phase}`, 60_000);
        term.press('y');
      }
      expect(await see('Enter or q to exit', 60_000)).toContain('Succeeded');
      term.press('Enter');
      await see('EXIT:0');
    } finally {
      term.close();
    }
    // The note wraps with the terminal: read it as one text.
    expect(screens.join('\n').replace(/\s+/g, ' ')).toContain(
      '(from vault:secret/harmonyflow/admin#api-token)',
    );
    for (const screen of screens)
      expect(screen.includes(canary), 'the canary reached the screen').toBe(false);
    expect(journals(env.ROTOR_HOME).includes(canary)).toBe(false);
  }, 240_000);

  describe('a reference the token cannot read: one message, exit 2, nothing changed', () => {
    /** The served inventory with postgres's admin_url pointing elsewhere, as a file named with --inventory. */
    function inventoryWith(ref: Record<string, string>): string {
      const inv = parse(readFileSync(printed.ROTOR_INVENTORY, 'utf8'));
      inv.environments['sandbox-served'].runbooks.postgres.admin_url = ref;
      const file = join(dir('rotor-inv-'), 'team.inventory.yaml');
      writeFileSync(file, stringify(inv));
      return file;
    }

    const lockState = async () => {
      const m = await raw(printed.VAULT_ADDR, 'GET', 'secret/metadata/rotor/locks/harmonyflow/postgresql', {
        token: printed.VAULT_TOKEN,
      });
      return m.status === 404 ? 'none' : m.body.data.current_version;
    };

    async function refused(ref: Record<string, string>, token = printed.VAULT_TOKEN) {
      const version = (await vaultRead('harmonyflow/postgresql')).body.data.metadata.version;
      const lock = await lockState();
      const env = shellEnv({ VAULT_TOKEN: token });
      const file = inventoryWith(ref);
      const r = await rotor(
        ['run', 'postgres', '--env', 'sandbox-served', '--inventory', file, '--yes'],
        env,
      );
      expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(2);
      expect(r.stderr.split('\n').filter((l) => l.startsWith('rotor:'))).toHaveLength(1);
      expect(r.stderr).toContain(`input admin_url (${file}:`);
      // Nothing changed: no new version, no lock taken, no session started.
      expect((await vaultRead('harmonyflow/postgresql')).body.data.metadata.version).toBe(version);
      expect(await lockState()).toBe(lock);
      expect(journals(env.ROTOR_HOME)).not.toContain('session-started');
      return r.stderr;
    }

    it('a field the secret does not have', async () => {
      const said = await refused({ vault: 'harmonyflow/postgres-admin', field: 'password' });
      expect(said).toContain('secret/harmonyflow/postgres-admin has no field "password"');
      expect(said).toContain('its fields: url');
    });

    it('a path that does not exist', async () => {
      const said = await refused({ vault: 'harmonyflow/no-such-admin', field: 'url' });
      expect(said).toContain('field "url" of secret/harmonyflow/no-such-admin cannot be read');
      expect(said).toContain('secret/harmonyflow/no-such-admin not found (404)');
    });

    it('a path the token may not read (403): the capability is named', async () => {
      const hcl = readFileSync(
        resolve(import.meta.dirname, '../deploy/vault-policies/rotor-operator.hcl'),
        'utf8',
      )
        .replaceAll('TEAM_PREFIX', 'harmonyflow')
        .replaceAll('TRANSIT_KEY', 'session-state');
      const policy = `${hcl}\npath "secret/data/harmonyflow/postgres-admin" { capabilities = ["deny"] }\n`;
      const put = await raw(printed.VAULT_ADDR, 'PUT', 'sys/policies/acl/no-admin-read', {
        token: printed.VAULT_TOKEN,
        body: { policy },
      });
      expect(put.status, put.text).toBeLessThan(300);
      const created = await raw(printed.VAULT_ADDR, 'POST', 'auth/token/create', {
        token: printed.VAULT_TOKEN,
        body: { policies: ['no-admin-read'], no_default_policy: true },
      });
      expect(created.status, created.text).toBe(200);
      const said = await refused(
        { vault: 'harmonyflow/postgres-admin', field: 'url' },
        created.body.auth.client_token,
      );
      expect(said).toContain('field "url" of secret/harmonyflow/postgres-admin cannot be read');
      expect(said).toMatch(/"read" capability on secret\/data\/harmonyflow\/postgres-admin \(403\)/);
    });
  });

  it('an environment the inventory does not have: exit 2, the inventory named', async () => {
    const r = await rotor(['run', 'redis', '--env', 'sandbox-serve', '--yes'], shellEnv());
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`no environment "sandbox-serve" in the inventory ${printed.ROTOR_INVENTORY}`);
    expect(r.stderr).toContain('did you mean "sandbox-served"?');
  });
});
