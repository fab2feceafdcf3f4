import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI } from './support/cli.js';
import { couldRun, randomArgv, type ArgvFiles } from './support/fuzz-argv.js';
import { callCli, contractProblems, shorten } from './support/fuzz-io.js';
import { mutateRunbook } from './support/fuzz-mutate.js';
import { fuzzCount, fuzzSeed, Random } from './support/fuzz-random.js';

/**
 * Random argument vectors through the CLI: unknown flags, missing values, repeated flags,
 * `--set` without `=`, unknown subcommands, weird environment names, very long words. Each ends
 * in exit 0, or exit 2 with one `rotor: …` line (and at most a hint); never a stack trace or a
 * hang. In-process through `main(io)` by the thousand, then a sample as real processes (the
 * built CLI: `npm run build` first). Nothing approves a step: no vector carries --yes.
 */
const SEED = fuzzSeed();
const saved = {
  ROTOR_HOME: process.env.ROTOR_HOME,
  VAULT_ADDR: process.env.VAULT_ADDR,
  VAULT_TOKEN: process.env.VAULT_TOKEN,
  KUBECONFIG: process.env.KUBECONFIG,
};
let root: string;
let files: ArgvFiles;
/** Closed ports and a missing kubeconfig: should anything try to connect, it fails at once. */
const offline = {
  VAULT_ADDR: 'http://127.0.0.1:9',
  VAULT_TOKEN: 'fuzz-not-a-token',
  KUBECONFIG: '/nonexistent/kubeconfig',
};

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'rotor-fuzz-cli-'));
  const directory = join(root, 'a-directory.yaml');
  mkdirSync(directory);
  files = {
    validRunbook: join(root, 'valid.yaml'),
    brokenRunbook: join(root, 'broken.yaml'),
    directory,
    missing: join(root, 'missing.yaml'),
  };
  const demo = readFileSync(resolve(import.meta.dirname, '../runbooks/demo.yaml'), 'utf8');
  writeFileSync(files.validRunbook, demo.replace(/^id: demo$/m, 'id: fuzz-demo'));
  writeFileSync(files.brokenRunbook, demo.replace('do: http.check', 'do: http.chek'));
  Object.assign(process.env, offline);
});
afterAll(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  rmSync(root, { recursive: true, force: true });
});

describe('fuzz: command lines', () => {
  it('thousands of argument vectors through main(io): exit 0, or exit 2 with one clear message', async () => {
    const cases = fuzzCount(1500);
    const failures: string[] = [];
    const codes = new Map<number | string, number>();
    for (let i = 0; i < cases && failures.length < 10; i++) {
      // A fresh state dir now and then: refusals are journalled, and `sessions` reads them all.
      if (i % 300 === 0) process.env.ROTOR_HOME = mkdtempSync(join(root, 'home-'));
      const rnd = new Random(SEED + 2_000_000 + i);
      const argv = randomArgv(rnd, files);
      expect(couldRun(argv), JSON.stringify(argv)).toBe(false);
      const r = await callCli(argv);
      codes.set(r.code, (codes.get(r.code) ?? 0) + 1);
      const problems = contractProblems(r);
      if (problems.length)
        failures.push(
          `ROTOR_FUZZ_SEED=${SEED} argv case ${i} ${shorten(JSON.stringify(argv))}: ${problems.join('; ')}\n  stderr: ${shorten(r.stderr.join('\n'))}`,
        );
    }
    expect(failures, `seed ${SEED}`).toEqual([]);
    console.info(
      `fuzz argv: ${cases} vectors in-process (seed ${SEED}); exit codes ${JSON.stringify(Object.fromEntries(codes))}`,
    );
  }, 120_000);

  it('known refusals say what is wrong in rotor form', async () => {
    process.env.ROTOR_HOME = mkdtempSync(join(root, 'home-'));
    const said = async (argv: string[]) => {
      const r = await callCli(argv);
      expect(contractProblems(r), JSON.stringify(argv)).toEqual([]);
      expect(r.code, JSON.stringify(argv)).toBe(2);
      return r.stderr.join('\n');
    };
    expect(await said(['--bogus'])).toMatch(/^rotor: unknown option '--bogus'/);
    expect(await said(['run', 'demo', '--set'])).toMatch(
      /^rotor: option '--set <name=value>' argument missing/,
    );
    expect(await said(['run', 'demo', '--dry-run', '--set', 'grace_seconds'])).toMatch(
      /^rotor: --set grace_seconds: expected name=value/,
    );
    expect(await said(['runbookz'])).toMatch(
      /^rotor: unknown command "runbookz"\n {2}→ did you mean `rotor runbooks`/,
    );
    expect(await said(['validate'])).toMatch(/^rotor: missing required argument 'file'/);
    expect(await said(['run', 'demo', 'extra', '--dry-run'])).toMatch(/^rotor: too many arguments for 'run'/);
    expect(await said(['run', 'demo', '--dry-run', '--yse'])).toMatch(
      /^rotor: unknown option '--yse'\n {2}→ did you mean --yes\?/,
    );
    // Control characters in a quoted word are shown escaped, so the message stays one line.
    expect(await said(['run', 'a\nb\u001b[2J', '--dry-run'])).toMatch(
      /^rotor: no runbook "a\\nb\\u001b\[2J"/,
    );
    const version = await callCli(['-V']);
    expect(version.code).toBe(0);
    expect(version.stdout.join('')).toMatch(/^\d+\.\d+\.\d+/);
    const help = await callCli(['help', 'validate']);
    expect(help.code).toBe(0);
    expect(help.stdout.join('\n')).toContain('rotor validate');
  });

  it('a sample as real processes: no stack trace, no hang, exit 0 or 2', async () => {
    const argvCases = fuzzCount(40);
    const fileCases = fuzzCount(20);
    const home = mkdtempSync(join(root, 'home-'));
    const shipped = readdirSync(resolve(import.meta.dirname, '../runbooks'))
      .filter((n) => /\.ya?ml$/.test(n))
      .sort();
    const jobs: Array<{ label: string; argv: string[] }> = [];
    for (let i = 0; i < argvCases; i++) {
      // A process's arguments cannot hold NUL bytes: the kernel ends each word at the first one.
      const argv = randomArgv(new Random(SEED + 3_000_000 + i), files).map((w) => w.replaceAll('\0', '?'));
      jobs.push({ label: `ROTOR_FUZZ_SEED=${SEED} process argv case ${i}`, argv });
    }
    for (let i = 0; i < fileCases; i++) {
      const rnd = new Random(SEED + 4_000_000 + i);
      const name = rnd.pick(shipped);
      const mutation = mutateRunbook(
        readFileSync(resolve(import.meta.dirname, '../runbooks', name), 'utf8'),
        rnd,
      );
      const file = join(root, `process-case-${i}.yaml`);
      writeFileSync(file, mutation.text);
      jobs.push({
        label: `ROTOR_FUZZ_SEED=${SEED} process file case ${i} (${name}: ${mutation.steps.join(', ')})`,
        argv: rnd.chance(0.5) ? ['validate', file] : ['run', file, '--env', 'sandbox', '--dry-run'],
      });
    }
    jobs.push(
      { label: 'fast --version', argv: ['--version'] },
      { label: '-V with more words', argv: ['-V', '--env', 'sandbox'] },
    );
    for (const job of jobs) expect(couldRun(job.argv), JSON.stringify(job.argv)).toBe(false);
    const failures: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < jobs.length) {
        const job = jobs[next++];
        const r = await runProcess(
          job.argv,
          { ...process.env, ...offline, ROTOR_HOME: home, NO_COLOR: '1' },
          20_000,
        );
        const problems = contractProblems({
          code: r.code,
          stdout: r.stdout,
          stderr: r.stderr.replace(/\n$/, ''),
        });
        if (problems.length)
          failures.push(
            `${job.label} ${shorten(JSON.stringify(job.argv))}: ${problems.join('; ')}\n  stderr: ${shorten(r.stderr)}`,
          );
      }
    };
    await Promise.all([worker(), worker()]);
    expect(failures, `seed ${SEED}`).toEqual([]);
    console.info(`fuzz processes: ${jobs.length} real rotor processes (seed ${SEED})`);
  }, 180_000);
});

/** Runs the built CLI; a process still running after `timeoutMs` is killed and reported as a hang. */
function runProcess(
  argv: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<{ code: number | 'timeout' | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [CLI, ...argv], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code: timedOut ? 'timeout' : code, stdout, stderr });
    });
  });
}
