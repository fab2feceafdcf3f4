import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActionRegistry } from '../src/actions/index.js';
import { parseRunbook } from '../src/runbook/load.js';
import { RunbookError } from '../src/runbook/runbook-error.js';
import { callCli, contractProblems, shorten } from './support/fuzz-io.js';
import { mutateRunbook } from './support/fuzz-mutate.js';
import { fuzzCount, fuzzSeed, Random } from './support/fuzz-random.js';

/**
 * Thousands of random mutations of the shipped runbooks, through the loader and through the CLI
 * (`validate` and `run --dry-run` on a temp file): every one either loads or is refused with
 * one clear `file:line:col` message and exit 2. Nothing here runs a runbook.
 */
const RUNBOOKS_DIR = resolve(import.meta.dirname, '../runbooks');
const shipped = readdirSync(RUNBOOKS_DIR)
  .filter((n) => /\.ya?ml$/.test(n))
  .sort()
  .map((name) => ({ name, text: readFileSync(join(RUNBOOKS_DIR, name), 'utf8') }));
const actions = createActionRegistry();
const SEED = fuzzSeed();
const CRASH = /\b(TypeError|ReferenceError|RangeError|SyntaxError)\b|^\s+at |\[object Object\]/m;

/** Values for required inputs, so a dry run gets as far as the plan. */
const DRY_RUN_SETS = ['secret_path=app/fuzz', 'script_path=/bin/true'];

let home: string;
let work: string;
const savedHome = process.env.ROTOR_HOME;
beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'rotor-fuzz-home-'));
  work = mkdtempSync(join(tmpdir(), 'rotor-fuzz-files-'));
  process.env.ROTOR_HOME = home;
});
afterAll(() => {
  if (savedHome === undefined) delete process.env.ROTOR_HOME;
  else process.env.ROTOR_HOME = savedHome;
  rmSync(home, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

/** What is wrong with the loader's answer to one text, if anything. */
function loaderProblems(
  text: string,
  file: string,
): { problems: string[]; loaded: boolean; message?: string } {
  const started = performance.now();
  const problems: string[] = [];
  let loaded = false;
  let message: string | undefined;
  try {
    parseRunbook(text, file, actions);
    loaded = true;
  } catch (error) {
    if (!(error instanceof RunbookError)) {
      problems.push(
        `threw ${error instanceof Error ? `${error.constructor.name}: ${error.message}` : String(error)}, not a RunbookError`,
      );
    } else {
      message = error.message;
      if (error.exitCode !== 2) problems.push(`exit code ${error.exitCode}`);
      const where = new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:(\\d+):(\\d+): \\S`).exec(
        error.message,
      );
      if (!where) problems.push('message does not start with file:line:col');
      else if (Number(where[1]) < 1 || Number(where[1]) > text.split('\n').length + 1 || Number(where[2]) < 1)
        problems.push(`position ${where[1]}:${where[2]} outside the file`);
      if (/[\n\r]/.test(error.message) || /[\n\r]/.test(error.hint ?? ''))
        problems.push('message or hint spans several lines');
      if (CRASH.test(error.message) || CRASH.test(error.hint ?? ''))
        problems.push('a JavaScript error in the message');
    }
  }
  const ms = performance.now() - started;
  if (ms > 2000) problems.push(`took ${Math.round(ms)} ms`);
  return { problems, loaded, message };
}

/** Node warnings printed while loading (the yaml library can emit some): each is noise on stderr. */
const warnings: string[] = [];
const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
beforeAll(() => void process.on('warning', onWarning));
afterAll(() => void process.off('warning', onWarning));

describe('fuzz: runbook files', () => {
  it('finds the shipped runbooks, and each loads unmutated', () => {
    expect(shipped.length).toBeGreaterThan(0);
    for (const { name, text } of shipped)
      expect(loaderProblems(text, name)).toMatchObject({ problems: [], loaded: true });
  });

  it('what the fuzz found, kept as cases: each refused at the right place, in one line', () => {
    const demo = shipped.find((r) => r.name === 'demo.yaml')?.text ?? shipped[0].text;
    const refusal = (text: string) => {
      const { problems, loaded, message } = loaderProblems(text, 'f.yaml');
      expect(problems).toEqual([]);
      expect(loaded).toBe(false);
      return message!;
    };
    const lines = demo.split('\n');
    const tabbed = [...lines.slice(0, 10), `\t${lines[10]}`, ...lines.slice(11)].join('\n');
    expect(refusal(tabbed)).toMatch(/^f\.yaml:11:\d+: malformed YAML/);
    expect(refusal(`${demo}\nx-alias: *nowhere\n`)).toMatch(
      /^f\.yaml:\d+:10: malformed YAML: alias \*nowhere has no anchor/,
    );
    const bomb = [
      'x-b0: &b0 [a, a, a, a, a, a, a, a, a]',
      ...Array.from(
        { length: 8 },
        (_, i) => `x-b${i + 1}: &b${i + 1} [${Array(9).fill(`*b${i}`).join(', ')}]`,
      ),
    ].join('\n');
    expect(refusal(`${bomb}\n${demo}`)).toMatch(
      /^f\.yaml:\d+:\d+: malformed YAML: the aliases expand to too many values/,
    );
    expect(refusal(`${demo}\nx-deep: ${'['.repeat(5000)}${']'.repeat(5000)}\n`)).toMatch(
      /malformed YAML|nests too deeply|unknown field/,
    );
    expect(refusal(demo.replace('do: http.check', 'do: "http\\ncheck\\u001b[2J"'))).toContain(
      'unknown action "http\\ncheck\\u001b[2J"',
    );
    expect(refusal(demo.replace(/^title: /m, '? [a, b]\n: x\ntitle: '))).toContain(
      'unknown field "[ a, b ]"',
    );
    // Names from Object.prototype are not inputs or parameters.
    expect(refusal(demo.replace('{{ inputs.grace_seconds }}', '{{ inputs.constructor }}'))).toContain(
      'unknown input in {{ inputs.constructor }}',
    );
    expect(refusal(demo.replace('with: { bytes: 32,', 'with: { toString: 1, bytes: 32,'))).toContain(
      'generate.password has no parameter "toString"',
    );
    expect(warnings).toEqual([]);
  });

  it('thousands of mutations through parseRunbook: loaded, or one RunbookError naming file:line:col', () => {
    const cases = fuzzCount(2500);
    const failures: string[] = [];
    let refused = 0;
    for (let i = 0; i < cases && failures.length < 10; i++) {
      const rnd = new Random(SEED + i);
      const { name, text } = rnd.pick(shipped);
      const mutation = mutateRunbook(text, rnd);
      const { problems, loaded } = loaderProblems(mutation.text, `runbooks/${name}`);
      if (!loaded) refused++;
      if (problems.length)
        failures.push(
          `ROTOR_FUZZ_SEED=${SEED} case ${i} (${name}: ${mutation.steps.join(', ')}): ${problems.join('; ')}\n  text: ${shorten(mutation.text)}`,
        );
    }
    expect(failures, `seed ${SEED}`).toEqual([]);
    expect(warnings).toEqual([]);
    // Most mutations must break something, or the fuzz tests little.
    expect(refused).toBeGreaterThan(cases / 2);
    console.info(
      `fuzz parseRunbook: ${cases} mutations of ${shipped.length} runbooks (seed ${SEED}), ${refused} refused, ${cases - refused} still valid`,
    );
  });

  it('mutated files through `rotor validate` and `rotor run --dry-run`: exit 0 or one clear message and exit 2', async () => {
    const cases = fuzzCount(250);
    const failures: string[] = [];
    let calls = 0;
    for (let i = 0; i < cases && failures.length < 10; i++) {
      const rnd = new Random(SEED + 1_000_000 + i);
      const { name, text } = rnd.pick(shipped);
      const mutation = mutateRunbook(text, rnd);
      const file = join(work, `case-${i}.yaml`);
      writeFileSync(file, mutation.text);
      const expected = loaderProblems(mutation.text, file);
      const label = `ROTOR_FUZZ_SEED=${SEED} file case ${i} (${name}: ${mutation.steps.join(', ')})`;
      const validate = await callCli(['validate', file]);
      const sets = DRY_RUN_SETS.filter((s) =>
        new RegExp(`^\\s+${s.split('=')[0]}:`, 'm').test(mutation.text),
      ).flatMap((s) => ['--set', s]);
      const dry = await callCli([
        'run',
        file,
        '--env',
        rnd.pick(['sandbox', 'local']),
        '--dry-run',
        ...(rnd.chance(0.3) ? ['--json'] : []),
        ...sets,
      ]);
      calls += 2;
      for (const r of [validate, dry]) {
        const problems = contractProblems(r);
        if (problems.length)
          failures.push(
            `${label}: rotor ${r.argv.slice(0, 2).join(' ')}: ${problems.join('; ')}\n  stderr: ${shorten(r.stderr.join('\n'))}\n  text: ${shorten(mutation.text)}`,
          );
      }
      // validate agrees with the loader, word for word.
      if (expected.loaded && validate.code !== 0)
        failures.push(`${label}: loads, but validate exits ${validate.code}: ${validate.stderr.join(' ')}`);
      const said = validate.stderr.join('\n').split('\n')[0];
      if (!expected.loaded && said !== `rotor: ${expected.message}`)
        failures.push(
          `${label}: validate says ${shorten(said)}, the loader ${shorten(expected.message ?? '')}`,
        );
      if (!expected.loaded && dry.code !== 2)
        failures.push(`${label}: refused by the loader, but the dry run exits ${dry.code}`);
      rmSync(file, { force: true });
    }
    expect(failures, `seed ${SEED}`).toEqual([]);
    console.info(`fuzz validate/dry-run: ${cases} mutated files, ${calls} CLI calls (seed ${SEED})`);
  }, 120_000);
});
