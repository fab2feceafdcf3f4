import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LockHeldError } from '../src/session/locks.js';
import { runCli, type CliResult } from './support/cli.js';
import { commandTree, commandsIn, commandsInSource, problemWith } from './support/hint-commands.js';

/**
 * Every remedy rotor prints is a command that works. Each scenario here makes rotor refuse
 * something, takes the remedy it printed, does exactly that, and checks rotor accepts it: not
 * the same refusal again, never "cannot be passed with --set" or "unknown option".
 */

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A private ROTOR_HOME and HOME (no ~/.vault-token, no ~/.kube/config), and no Vault or cluster. */
function isolated(): Record<string, string> {
  const home = mkdtempSync(join(tmpdir(), 'rotor-hints-'));
  dirs.push(home);
  return { ROTOR_HOME: join(home, 'rotor'), HOME: home, VAULT_ADDR: '', VAULT_TOKEN: '', KUBECONFIG: '' };
}

function hintOf(run: CliResult): string {
  return /→ (.*)$/m.exec(run.stderr)?.[1] ?? '';
}

const refusedAgain = (run: CliResult, before: CliResult) =>
  run.code === 2 && run.stderr.split('\n')[0] === before.stderr.split('\n')[0];

/** A value that passes the shipped runbooks' patterns for an input of this name. */
function sampleValue(input: string): string {
  if (input.includes('amqp')) return 'amqp://127.0.0.1:9';
  if (input.includes('url')) return 'http://127.0.0.1:9';
  return 'x';
}

/** Does what an input remedy says: `--set name=<value>`, or a variable in the environment. */
function follow(hint: string, args: string[], env: Record<string, string>) {
  const set = /pass --set ([\w-]+)=<value>/.exec(hint);
  const variable = /set (ROTOR_INPUT_\w+) in the environment/.exec(hint) ?? /export (\w+)/.exec(hint);
  const first = [set, variable].filter(Boolean).sort((a, b) => a!.index - b!.index)[0];
  if (!first) throw new Error(`no remedy to follow in: ${hint}`);
  if (first === set) return { args: [...args, '--set', `${set![1]}=${sampleValue(set![1])}`], env };
  const name = first[1];
  return { args, env: { ...env, [name]: sampleValue(name.replace(/^ROTOR_INPUT_/, '').toLowerCase()) } };
}

describe('input remedies, followed one after the other', () => {
  it('rabbitmq outside the sandbox: each missing input is given as its hint says, secrets never with --set', async () => {
    let args = ['run', 'rabbitmq', '--env', 'local', '--yes'];
    let env = isolated();
    let run = await runCli(args, env);
    const seen: string[] = [];
    for (let round = 0; round < 8 && run.code === 2; round++) {
      const hint = hintOf(run);
      seen.push(`${run.stderr.split('\n')[0]}\n  → ${hint}`);
      expect(run.stderr, seen.join('\n')).not.toMatch(/cannot be passed with --set|unknown option/);
      ({ args, env } = follow(hint, args, env));
      const next = await runCli(args, env);
      expect(refusedAgain(next, run), `${seen.join('\n')}\nthen: ${next.stderr}`).toBe(false);
      run = next;
    }
    // Every input given: the run started (and failed for want of a Vault, which is not an input).
    expect(run.code, `${seen.join('\n')}\nthen: ${run.stderr}`).not.toBe(2);
    expect(seen.some((s) => s.includes('admin_password'))).toBe(true);
  });

  it('a secret given with --set: outside the sandbox ROTOR_INPUT_* works; in the sandbox it is never offered', async () => {
    const env = isolated();
    const outside = await runCli(
      ['run', 'postgres', '--env', 'local', '--dry-run', '--set', 'admin_url=x'],
      env,
    );
    expect(outside.code).toBe(2);
    const hint = hintOf(outside);
    expect(hint).not.toContain('--set');
    // Outside the sandbox (and with no inventory) the environment must name where the database is.
    const db = ['--set', 'db_url=postgresql://127.0.0.1:9/harmonyflow'];
    const followed = follow(hint, ['run', 'postgres', '--env', 'local', '--dry-run', ...db], env);
    const run = await runCli(followed.args, followed.env);
    expect(run.code, run.stderr).toBe(0);

    const sandbox = await runCli(
      ['run', 'postgres', '--env', 'sandbox', '--dry-run', '--set', 'admin_url=x'],
      env,
    );
    expect(sandbox.code).toBe(2);
    expect(hintOf(sandbox)).not.toMatch(/ROTOR_INPUT|--set/);
    expect(hintOf(sandbox)).toContain('run without --yes');
  });

  it('generic in the sandbox with kubernetes=true: --set external_secret is accepted and the run would go ahead', async () => {
    const env = isolated();
    const args = ['run', 'generic', '--env', 'sandbox', '--set', 'kubernetes=true'];
    const refused = await runCli([...args, '--yes'], env);
    expect(refused.code).toBe(2);
    const followed = follow(hintOf(refused), [...args, '--dry-run'], env);
    const run = await runCli(followed.args, followed.env);
    expect(run.code, run.stderr).toBe(0);
  });

  it('a value an action asks for in a headless sandbox run: the TUI, not ROTOR_INPUT_*', async () => {
    const run = await runCli(
      ['run', 'vault-recovery', '--env', 'sandbox', '--fault', 'vault-sealed', '--yes'],
      isolated(),
    );
    expect(run.stdout + run.stderr).toContain('typed by an operator');
    expect(run.stdout + run.stderr).not.toContain('ROTOR_INPUT');
    expect(run.stdout + run.stderr).toContain('type it when asked in the TUI (run without --yes)');
  });
});

describe('a secret input in a policy', () => {
  it('outside the sandbox ROTOR_INPUT_* at run time; in the sandbox, leaving it out, which is accepted', async () => {
    const env = isolated();
    const add = [
      'policy',
      'add',
      'harmonyflow/rabbitmq',
      '--rotation-type',
      'manual',
      '--runbook',
      'rabbitmq',
    ];
    const refused = await runCli([...add, '--input', 'admin_password=x', '--env', 'sandbox'], env);
    expect(refused.code).toBe(2);
    expect(hintOf(refused)).toMatch(/^leave it out of the policy/);
    expect(hintOf(refused)).not.toContain('ROTOR_INPUT');
    const followed = await runCli([...add, '--env', 'sandbox'], env);
    expect(followed.code, followed.stderr).toBe(0);
    const outside = await runCli([...add, '--input', 'admin_password=x', '--env', 'local'], env);
    expect(hintOf(outside)).toContain('set ROTOR_INPUT_ADMIN_PASSWORD where rotor run --due runs');
  });
});

describe('command remedies, run as printed', () => {
  /** Runs one `rotor …` command from a hint, placeholders filled in, `> file` written. */
  async function runHinted(text: string, env: Record<string, string>, fill: Record<string, string>) {
    const [command, redirect] = text.replace(/^rotor /, '').split(/\s+>\s+/);
    const words = command.split(/\s+/).map((w) => fill[w] ?? w.replace(/<[^>]+>/g, (p) => fill[p] ?? p));
    const run = await runCli(words, env);
    if (redirect) writeFileSync(fill[redirect.trim()] ?? redirect, run.stdout);
    return run;
  }

  it('--set with --due: the policy commands it names keep the change in the policy', async () => {
    const env = isolated();
    const add = ['policy', 'add', 'harmonyflow/iot-api-key', '--rotation-type', 'scheduled'];
    const setUp = await runCli(
      [...add, '--rotation-period-days', '90', '--secret-type', 'generic', '--env', 'sandbox'],
      env,
    );
    expect(setUp.code, setUp.stderr).toBe(0);
    const refused = await runCli(['run', '--due', '--env', 'sandbox', '--set', 'fields=api-key'], env);
    expect(refused.code).toBe(2);
    const tree = await commandTree();
    const commands = commandsIn(hintOf(refused), 'hint', new Set(tree.keys()));
    expect(commands.length).toBe(2);
    const file = join(env.HOME, 'policy.json');
    const fill = { '<path>': 'harmonyflow/iot-api-key', 'name=value': 'fields=api-key', 'policy.json': file };
    for (const command of commands) {
      const text = hintOf(refused).slice(hintOf(refused).indexOf(command.text)).split(', then ')[0];
      const run = await runHinted(text, env, fill);
      expect(run.code, `${text}\n${run.stderr}`).toBe(0);
    }
    const shown = await runCli(
      ['policy', 'show', 'harmonyflow/iot-api-key', '--env', 'sandbox', '--json'],
      env,
    );
    expect(JSON.parse(shown.stdout).inputs).toEqual({ fields: 'api-key' });
  });

  it('unlock without a Vault: the profile it suggests is accepted, and unlock then dials it', async () => {
    const env = isolated();
    const refused = await runCli(['unlock', 'harmonyflow/redis', '--env', 'local'], env);
    expect(refused.code).toBe(2);
    expect(hintOf(refused)).toContain('rotor env add <name> --vault-addr <url>, then pass --env <name>');
    const add = await runCli(['env', 'add', 'probe', '--vault-addr', 'http://127.0.0.1:9'], env);
    expect(add.code, add.stderr).toBe(0);
    const run = await runCli(['unlock', 'harmonyflow/redis', '--env', 'probe'], env);
    expect(run.stderr).not.toMatch(/no Vault configured|unknown option/);
  });

  it('a held lock: the unlock command names the environment the lock is in (none in the sandbox)', async () => {
    const holder = { session: 's', operator: 'o', runbook: 'redis', since: 'now', expires_at: 'later' };
    const hint = new LockHeldError('harmonyflow/redis', holder, 'probe').hint!;
    expect(hint).toContain('`rotor unlock harmonyflow/redis --env probe --confirm`');
    expect(new LockHeldError('harmonyflow/redis', holder, 'sandbox').hint).not.toContain('rotor unlock');
    const env = isolated();
    await runCli(['env', 'add', 'probe', '--vault-addr', 'http://127.0.0.1:9'], env);
    const run = await runCli(['unlock', 'harmonyflow/redis', '--env', 'probe', '--confirm'], env);
    expect(run.stderr).not.toMatch(/unknown option|too many arguments|no Vault configured/);
  });
});

describe('every rotor command written in rotor', () => {
  let tree: Map<string, Set<string>>;
  beforeAll(async () => {
    tree = await commandTree();
  });

  it('names a command and options that exist, with no more arguments than it takes', async () => {
    const commands = commandsInSource(new Set(tree.keys()));
    expect(commands.length).toBeGreaterThan(50);
    const helps = new Map<string, string>();
    const problems: string[] = [];
    for (const command of commands) {
      const problem = await problemWith(command, tree, helps);
      if (problem) problems.push(`${command.where}: ${command.text}: ${problem}`);
    }
    expect(problems).toEqual([]);
  });
});
