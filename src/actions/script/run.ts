import { z } from 'zod';
import { RotorError } from '../../errors.js';
import { reveal, type Secret } from '../../engine/secret.js';
import { need } from '../../ports/index.js';
import { secretParam } from '../secret-param.js';
import { defineAction, type ActionContext } from '../types.js';
import { scriptRefusal } from './refusal.js';

const params = z.object({
  /** The policy's rotation_script_path. */
  path: z.string().min(1),
  /** Passed as the script's only argument, as the policy document's scripts expect. */
  secret_path: z.string().min(1),
  /** New values for the script (a generated password); never on its command line. */
  values: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), secretParam).default({}),
  /** stdin: one JSON object `{secret_path, values}`; env: ROTOR_VALUE_<NAME> in the child's environment only. */
  pass: z.enum(['stdin', 'env']).default('stdin'),
  timeout_ms: z.coerce.number().int().positive().max(3_600_000).default(300_000),
  /**
   * The secret's previous data (a vault.kv-snapshot's `data`): undo hands the same script the
   * previous value of each key in `values`, so a rollback puts the target back too. Without it the
   * script's change cannot be undone, and a rollback says so.
   */
  undo_from: z.record(z.string(), secretParam).optional(),
});

type ScriptParams = z.infer<typeof params>;

/**
 * `script.run`: Run a custom rotation script (secret path as its argument, new values on stdin or
 * in its environment).
 */
export const scriptRun = defineAction({
  id: 'script.run',
  summary:
    'Run a custom rotation script (secret path as its argument, new values on stdin or in its environment)',
  params,
  outputs: ['exit_code'],
  changes: true,
  class: 'guarded',
  describe: (p) =>
    `run ${p.path} ${p.secret_path}${Object.keys(p.values).length ? `, passing ${Object.keys(p.values).join(', ')} through ${p.pass === 'stdin' ? 'stdin' : 'its environment'}` : ''}; times out after ${Math.round(p.timeout_ms / 1000)}s`,
  async run(p, ctx) {
    return { exit_code: await runScript(p, p.values, ctx) };
  },
  // What a script changed lives only in the script's own system: rotor cannot ask it, and running
  // it twice may apply a value twice (or half of it), so an operator looks before it runs again.
  check: async () => 'cannot-tell',
  async undo(p, _outputs, ctx) {
    if (!p.undo_from) {
      throw new RotorError(
        `the change made by ${p.path} cannot be undone: the step gives the script no undo_from`,
        {
          hint: `put the previous value back on the target by hand (run ${p.path} ${p.secret_path} with it)`,
        },
      );
    }
    const previous = Object.fromEntries(
      Object.keys(p.values)
        .filter((k) => p.undo_from![k] !== undefined)
        .map((k) => [k, p.undo_from![k]]),
    );
    if (Object.keys(previous).length === 0) {
      // A first rotation: the secret had no such value, so the target had none that rotor knew.
      ctx.log(
        `the secret had no previous ${Object.keys(p.values).join(', ')}: nothing to hand ${p.path} back`,
      );
      return;
    }
    ctx.log(`running ${p.path} again with the previous ${Object.keys(previous).join(', ')}`);
    await runScript(p, previous, ctx);
  },
});

/** Runs the script with `values` (never on its command line); resolves with its exit code 0 or throws. */
async function runScript(
  p: ScriptParams,
  values: ScriptParams['values'],
  ctx: ActionContext,
): Promise<number> {
  const scripts = need(ctx.ports, 'scripts');
  const refusal = scriptRefusal(p.path, await scripts.access(p.path));
  if (refusal) throw refusal;
  const plain = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, reveal(v)]));
  const stdin =
    p.pass === 'stdin'
      ? ctx.secret(JSON.stringify({ secret_path: p.secret_path, values: plain }), 'script stdin')
      : undefined;
  const env: Record<string, string | Secret> = { ROTOR_SECRET_PATH: p.secret_path };
  if (p.pass === 'env')
    for (const [k, v] of Object.entries(values)) env[`ROTOR_VALUE_${k.toUpperCase()}`] = v;
  let lastError = '';
  const result = await scripts.run({
    path: p.path,
    args: [p.secret_path],
    stdin,
    env,
    timeoutMs: p.timeout_ms,
    signal: ctx.signal,
    onLine: (line, stream) => {
      if (stream === 'stderr' && line.trim()) lastError = line;
      ctx.log(stream === 'stderr' ? `! ${line}` : line);
    },
  });
  const escaped = result.leftRunning?.length
    ? `; processes it started escaped the kill and are still running: ${result.leftRunning.join(', ')}`
    : '';
  if (result.timedOut)
    throw new RotorError(`Rotation script timed out after ${p.timeout_ms / 1000}s: ${p.path}${escaped}`, {
      hint: escaped
        ? 'see to the processes named (ps -fp <pid>; kill <pid> if they belong to this rotation), then look at the output above'
        : 'look at its output above; raise timeout_ms if it is just slow',
    });
  if (escaped) ctx.log(`! ${p.path} was stopped${escaped}`);
  if (result.exitCode !== 0) {
    throw new RotorError(
      `Rotation script failed with exit code ${result.exitCode}: ${p.path}${lastError ? ` (${lastError})` : ''}`,
      { hint: 'its output is above and in the journal' },
    );
  }
  return result.exitCode;
}
