import { main } from '../../src/cli.js';

/** What one in-process CLI call did. */
export interface CallResult {
  argv: readonly string[];
  code: number | 'timeout';
  stdout: string[];
  stderr: string[];
  ms: number;
}

/**
 * Runs the CLI in this process with captured output, no terminal and no signals. A call that
 * does not finish within `timeoutMs` reports 'timeout' (the promise keeps running, but the case
 * fails at once).
 */
export async function callCli(argv: readonly string[], timeoutMs = 10_000): Promise<CallResult> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>(
    (resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)),
  );
  let code: number | 'timeout';
  try {
    code = await Promise.race([
      main({
        argv,
        stdout: (l) => stdout.push(l),
        stderr: (l) => stderr.push(l),
        isTTY: false,
        onSignal: () => () => undefined,
      }),
      timeout,
    ]);
  } catch (error) {
    // main must never throw: report it as a crash with the stack, which the checks reject.
    stderr.push(`main threw: ${error instanceof Error ? error.stack : String(error)}`);
    code = 1;
  } finally {
    clearTimeout(timer);
  }
  return { argv, code, stdout, stderr, ms: performance.now() - started };
}

const CRASH =
  /^\s+at |\b(TypeError|ReferenceError|RangeError|SyntaxError|EvalError|URIError|AggregateError)\b|main threw|Maximum call stack|\[object Object\]/m;

/**
 * The contract for input errors: no stack trace, no hang, exit 0 or 2, and for 2 exactly one
 * `rotor: …` line on stderr, optionally followed by one `  → hint` line. Returns the problems.
 */
export function contractProblems(
  r: { code: number | 'timeout' | null; stdout: string[] | string; stderr: string[] | string },
  options: { allow?: number[] } = {},
): string[] {
  const problems: string[] = [];
  const stderr = Array.isArray(r.stderr) ? r.stderr.join('\n') : r.stderr;
  const stdout = Array.isArray(r.stdout) ? r.stdout.join('\n') : r.stdout;
  if (r.code === 'timeout') problems.push('did not finish in time');
  else if (![0, 2, ...(options.allow ?? [])].includes(r.code ?? -1))
    problems.push(`exit ${r.code}, expected 0 or 2`);
  if (CRASH.test(stderr)) problems.push('a stack trace or a JavaScript error name on stderr');
  if (CRASH.test(stdout)) problems.push('a stack trace or a JavaScript error name on stdout');
  if (r.code === 2) {
    const lines = stderr.replace(/\n$/, '').split('\n');
    if (!lines[0]?.startsWith('rotor: ')) problems.push('stderr does not start with "rotor: "');
    if (lines.length > 2)
      problems.push(`stderr has ${lines.length} lines, expected the message and at most one hint`);
    if (lines.length === 2 && !lines[1].startsWith('  → '))
      problems.push('the second stderr line is not a "  → " hint');
    if (lines.filter((l) => l.startsWith('rotor:')).length !== 1)
      problems.push('not exactly one "rotor:" message');
  }
  return problems;
}

/** A short, printable form of a case for failure messages. */
export function shorten(text: string, max = 300): string {
  const json = JSON.stringify(text);
  return json.length > max ? `${json.slice(0, max)}… (${text.length} chars)` : json;
}
