// Finding 11 of the security review: a relative `./rot.sh` of mode 0777 ran without a word, and a
// grandchild started with `setsid` survived the timeout kill. Scripts must be named absolutely,
// be changeable only by root or rotor's user (file and every folder above), and die whole.
import { spawn } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  lchownSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scriptRun } from '../../src/actions/script/run.js';
import { execaScripts } from '../../src/adapters/script-runner.js';
import { UsageError } from '../../src/errors.js';
import { parsePolicy } from '../../src/policy/policy.js';
import { testContext } from '../support/action-context.js';
import { CLI } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'rotor-script-trust-'));
/** Pids of processes the scripts below start; whatever still lives is killed in afterAll. */
const started: number[] = [];
afterAll(() => {
  for (const pid of started) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // dead, as it should be
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

/** A script that records that it ran, so a test can prove it did not. */
function script(folder: string, name: string, mode: number, body = ''): { path: string; ran: string } {
  const path = join(folder, name);
  const ran = `${path}.ran`;
  writeFileSync(path, `#!/bin/sh\ntouch '${ran}'\n${body}\n`);
  chmodSync(path, mode);
  return { path, ran };
}

/** The built CLI in `cwd`, headless in the sandbox, with a private ROTOR_HOME. */
function rotorIn(cwd: string, args: string[]): Promise<{ code: number | null; out: string }> {
  const home = mkdtempSync(join(dir, 'home-'));
  return new Promise((done) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd,
      env: { ...process.env, ROTOR_HOME: home, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => done({ code, out }));
  });
}

const runCustomScript = (cwd: string, scriptPath: string) =>
  rotorIn(cwd, [
    'run',
    'custom-script',
    '--env',
    'sandbox',
    '--yes',
    '--set',
    'secret_path=harmonyflow/iot-api-key',
    '--set',
    `script_path=${scriptPath}`,
  ]);

/** Alive and not a zombie waiting for a parent to reap it. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\S+ \(.*\) [ZX] /.test(stat);
  } catch {
    return false;
  }
}

describe('rotation scripts are trusted only when nobody else can change them', () => {
  it('refuses a relative ./rot.sh of mode 0777 before the first change: exit 2, the path and the fix', async () => {
    const cwd = mkdtempSync(join(dir, 'cwd-'));
    const { ran } = script(cwd, 'rot.sh', 0o777);
    const r = await runCustomScript(cwd, './rot.sh');
    expect(r.out).toContain('Rotation script ./rot.sh is not trusted: the path is relative');
    expect(r.out).toContain(`give the absolute path (from here that is ${join(cwd, 'rot.sh')})`);
    expect(r.out).toContain('nothing was started');
    expect(r.code, r.out).toBe(2);
    expect(existsSync(ran)).toBe(false);
  });

  it('refuses a world-writable script named absolutely, with chmod go-w', async () => {
    const cwd = mkdtempSync(join(dir, 'cwd-'));
    const { path, ran } = script(cwd, 'rot.sh', 0o777);
    const r = await runCustomScript(cwd, path);
    expect(r.out).toContain(`Rotation script ${path} is not trusted: the file ${path} is writable by anyone`);
    expect(r.out).toContain(`chmod go-w ${path}`);
    expect(r.code, r.out).toBe(2);
    expect(existsSync(ran)).toBe(false);
  });

  /** What the script step says when it refuses `path`; the script must not have run. */
  const refusal = async (path: string, ran: string) => {
    const ctx = testContext({ scripts: execaScripts });
    const error = await scriptRun.run(scriptRun.params.parse({ path, secret_path: 'a/b' }), ctx).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(existsSync(ran), `${path} ran`).toBe(false);
    expect(error).toBeInstanceOf(UsageError);
    return error as UsageError;
  };

  it('refuses a script in a folder its group may write, naming the folder and the fix', async () => {
    const folder = mkdtempSync(join(dir, 'shared-'));
    chmodSync(folder, 0o775);
    const { path, ran } = script(folder, 'rot.sh', 0o755);
    expect(await refusal(path, ran)).toMatchObject({
      message: expect.stringContaining(`its folder ${folder} is writable by its group (mode 0775)`),
      hint: `chmod go-w ${folder}`,
      exitCode: 2,
    });
  });

  it('refuses a script reached through a symlink whose target sits in a world-writable folder', async () => {
    const open = mkdtempSync(join(dir, 'open-'));
    chmodSync(open, 0o777);
    const { path: target, ran } = script(open, 'real.sh', 0o755);
    const link = join(mkdtempSync(join(dir, 'links-')), 'rot.sh');
    symlinkSync(target, link);
    expect((await refusal(link, ran)).message).toContain(`its folder ${open} is writable by anyone`);
  });

  it.runIf(process.getuid?.() === 0)(
    'refuses a script owned by another user (rotor runs as root here)',
    async () => {
      const { path, ran } = script(mkdtempSync(join(dir, 'owned-')), 'rot.sh', 0o755);
      chownSync(path, 12345, 12345);
      expect((await refusal(path, ran)).message).toContain(`the file ${path} belongs to uid 12345`);
    },
  );

  it.runIf(process.getuid?.() === 0)(
    "refuses a trusted script reached through another user's symlink in a sticky folder, which that user can repoint",
    async () => {
      const { path: target, ran } = script(mkdtempSync(join(dir, 'private-')), 'real.sh', 0o755);
      // A root-owned sticky folder, as /tmp is: its entries are replaceable by their owners only.
      const sticky = mkdtempSync(join(dir, 'sticky-'));
      chmodSync(sticky, 0o1777);
      const link = join(sticky, 'rot.sh');
      symlinkSync(target, link);
      lchownSync(link, 12345, 12345);
      const error = await refusal(link, ran);
      expect(error.message).toContain(`the symlink ${link} belongs to uid 12345`);
      expect(error.hint).toContain(target);
      // The same link owned by rotor's own user is what the operator made: it runs.
      lchownSync(link, 0, 0);
      const ctx = testContext({ scripts: execaScripts });
      await scriptRun.run(scriptRun.params.parse({ path: link, secret_path: 'a/b' }), ctx);
      expect(existsSync(ran)).toBe(true);
    },
  );

  it('refuses a relative rotation_script_path in a policy', () => {
    expect(() =>
      parsePolicy({ secret_path: 'app/db', rotation_type: 'manual', rotation_script_path: './rot.sh' }),
    ).toThrow(UsageError);
    expect(() =>
      parsePolicy({ secret_path: 'app/db', rotation_type: 'manual', rotation_script_path: './rot.sh' }),
    ).toThrow('rotation_script_path: an absolute path, such as /opt/rotor/rotate.sh');
  });

  it('still runs a script only its owner can change, in a root-owned sticky folder such as /tmp', async () => {
    const folder = mkdtempSync(join(dir, 'own-'));
    const { path, ran } = script(folder, 'ok.sh', 0o700);
    const ctx = testContext({ scripts: execaScripts });
    await expect(scriptRun.run(scriptRun.params.parse({ path, secret_path: 'a/b' }), ctx)).resolves.toEqual({
      exit_code: 0,
    });
    expect(existsSync(ran)).toBe(true);
  });
});

describe('a script that times out dies with everything it started', () => {
  const timedOut = (body: string) => {
    const folder = mkdtempSync(join(dir, 'tree-'));
    const { path } = script(folder, 'slow.sh', 0o700, body);
    const ctx = testContext({ scripts: execaScripts });
    const run = scriptRun.run(scriptRun.params.parse({ path, secret_path: 'a/b', timeout_ms: 2000 }), ctx);
    return { folder, run };
  };

  /** The pid a script wrote to `file`, once it is there (the script writes it first thing). */
  const pidIn = (file: string) => {
    const pid = Number(readFileSync(file, 'utf8').trim());
    started.push(pid);
    return pid;
  };

  it('kills a grandchild that left the process group with setsid', async () => {
    const { folder, run } = timedOut(
      `setsid sleep 1000 &\necho $! > "$(dirname "$0")/grandchild"\nsleep 1000`,
    );
    await expect(run).rejects.toThrow(/timed out after 2s/);
    const pid = pidIn(join(folder, 'grandchild'));
    expect(alive(pid), `the setsid grandchild ${pid} is still running`).toBe(false);
  });

  it('names a double-forked daemon that escaped both the group and the /proc walk as left running', async () => {
    const { folder, run } = timedOut(`(setsid sleep 1000 & echo $! > "$(dirname "$0")/daemon")\nsleep 1000`);
    const error = await run.then(
      () => undefined,
      (e: Error) => e,
    );
    const pid = pidIn(join(folder, 'daemon'));
    expect(error?.message).toMatch(/timed out after 2s/);
    expect(error?.message).toContain(`escaped the kill and are still running: ${pid} (sleep)`);
  });
});
