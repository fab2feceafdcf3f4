import { UsageError, describeErrorOnOneLine } from '../errors.js';
import type { EngineEvent } from '../engine/types.js';
import { VERDICT_EXIT, type RotationResult } from '../policy/rotate-policy.js';
import { duePolicies, planRotations } from '../services/due-rotations.js';
import { requireHeadlessConfirmation } from '../services/headless-confirmation.js';
import { rotatePolicyNow, rotationNotices, type RotationReporter } from '../services/rotate-policy-now.js';
import type { RotorContext } from '../services/rotor-context.js';
import { inShard, shardFrom } from '../policy/shard.js';
import { createPlainReporter } from '../ui/plain-reporter.js';
import { jsonEvent } from './headless.js';
import type { Io } from './io.js';
import { commandWithoutValues } from './journalled-command.js';

/** Options of `rotor run --due`. */
export interface DueRunOptions {
  env?: string;
  set: string[];
  yes?: boolean;
  dryRun?: boolean;
  json?: boolean;
  confirmEnv?: string;
  rehearse?: boolean;
  /** Sandbox only: failures to rehearse, applied to every attempt's world. */
  fault?: string[];
  /** Sandbox only: let the drills dial real servers named in the policies' inputs. */
  allowRealTargets?: boolean;
  /** This process's share of the due policies (else JOB_COMPLETION_INDEX/JOB_COMPLETIONS). */
  shardIndex?: string;
  shardCount?: string;
}

const RANK: Record<RotationResult['verdict'], number> = {
  ok: 0,
  failed: 1,
  interrupted: 2,
  'needs-operator': 3,
};

/**
 * `rotor run --due --yes`: every due policy's runbook, one after the other, each retried, rolled
 * back and notified as its policy says. Exit 0 when all rotated, 1 when some failed but nothing
 * is left half-done, 3 when some need an operator, 130 when interrupted.
 */
export async function runDue(ctx: RotorContext, options: DueRunOptions, io: Io): Promise<number> {
  if (options.set.length > 0)
    throw new UsageError(
      '--set does not apply to --due: each policy carries its own inputs',
      `change them in the policy: rotor policy show <path>${options.env ? ` --env ${options.env}` : ''} --json > policy.json, then rotor policy add <path>${options.env ? ` --env ${options.env}` : ''} --file policy.json --input name=value`,
    );
  const { environment } = await ctx.resolve(options.env);
  const envName = environment.name;
  if (!options.yes && !options.dryRun)
    throw new UsageError(
      'rotor run --due runs headless',
      'pass --yes to rotate every due secret, or --dry-run to see which would run',
    );
  if (options.fault?.length) {
    if (!environment.sandbox)
      throw new UsageError(
        '--fault only works with --env sandbox',
        'faults are for rehearsals; they never touch a real system',
      );
    (await import('../sandbox/faults.js')).checkFaults(options.fault);
  }
  if (options.allowRealTargets && !environment.sandbox)
    throw new UsageError(
      '--allow-real-targets only applies to --env sandbox',
      'outside the sandbox every target is real already; drop the flag',
    );
  const shard = shardFrom(options, ctx.env);
  if (options.yes) requireHeadlessConfirmation(environment, options.confirmEnv);
  const due = (await duePolicies(ctx, envName, new Date())).filter((p) => inShard(p.secret_path, shard));
  const share = shard ? { shard: { index: shard.index, count: shard.count } } : {};
  if (options.dryRun) return printPlan(ctx, due, envName, options, io);
  if (due.length === 0) {
    io.stdout(
      options.json
        ? JSON.stringify({ type: 'due-summary', environment: envName, ...share, results: [] })
        : `nothing is due in ${envName}${shard ? ` (share ${shard.index} of ${shard.count})` : ''}`,
    );
    return 0;
  }
  const notices = await rotationNotices(ctx.env);
  const command = commandWithoutValues(io.argv);
  const results: RotationResult[] = [];
  for (const policy of due) {
    let result: RotationResult;
    try {
      result = await rotatePolicyNow(
        ctx,
        policy,
        envName,
        { ...options, ...notices, command },
        cliReporter(policy.secret_path, options, io),
      );
    } catch (error) {
      // A policy whose runbook is gone or whose inputs no longer fit: nothing ran, the others still do.
      io.stderr(
        `rotor: ${policy.secret_path}: not rotated, nothing was changed: ${describeErrorOnOneLine(error)}`,
      );
      results.push({
        policy,
        verdict: 'failed',
        attempts: 0,
        last: {
          outcome: { status: 'failed', exitCode: 1, reason: describeErrorOnOneLine(error) },
          sessionId: '',
        },
        notified: [],
        notifyErrors: [],
      });
      continue;
    }
    results.push(result);
    io.stdout(
      options.json ? JSON.stringify({ type: 'rotation-result', ...summary(result) }) : summaryLine(result),
    );
    if (result.verdict === 'interrupted') break;
  }
  if (options.json)
    io.stdout(
      JSON.stringify({ type: 'due-summary', environment: envName, ...share, results: results.map(summary) }),
    );
  return VERDICT_EXIT[
    results.reduce(
      (worst, r) => (RANK[r.verdict] > RANK[worst] ? r.verdict : worst),
      'ok' as RotationResult['verdict'],
    )
  ];
}

/** A policy rotation's events and retries as `rotor run --due` prints them: plain lines or JSON. */
function cliReporter(secretPath: string, options: { json?: boolean }, io: Io): RotationReporter {
  return {
    attempt: (handle, attempt) =>
      options.json
        ? (e: EngineEvent) =>
            io.stdout(JSON.stringify({ secret_path: secretPath, attempt, ...jsonEvent(e, handle) }))
        : createPlainReporter(io.stdout, handle),
    retry: (line) =>
      options.json
        ? io.stdout(JSON.stringify({ type: 'rotation-retry', secret_path: secretPath, message: line }))
        : io.stdout(line),
    warn: (message) => io.stderr(`rotor: ${message}`),
    onInterrupt: (handler) => io.onSignal(handler),
  };
}

function summary(result: RotationResult) {
  return {
    secret_path: result.policy.secret_path,
    verdict: result.verdict,
    status: result.last.entry?.status,
    attempts: result.attempts,
    session_id: result.last.sessionId,
    error:
      result.last.entry?.error ??
      (result.last.outcome.status === 'succeeded' ? undefined : result.last.outcome.reason),
    notified: result.notified,
    notify_errors: result.notifyErrors,
  };
}

function summaryLine(result: RotationResult): string {
  const s = summary(result);
  if (s.attempts === 0) return `${s.secret_path}: not rotated: ${s.error}`;
  const what = {
    ok: 'rotated',
    failed: `failed (${s.status ?? 'failed'})`,
    'needs-operator': 'NEEDS AN OPERATOR',
    interrupted: 'interrupted',
  }[result.verdict];
  const notified = s.notified.length ? `; notified by ${s.notified.join(' and ')}` : '';
  const trouble = s.notify_errors.length ? `; notice not sent: ${s.notify_errors.join('; ')}` : '';
  return `${s.secret_path}: ${what} after ${s.attempts} attempt${s.attempts === 1 ? '' : 's'} (session ${s.session_id})${s.error ? `: ${s.error}` : ''}${notified}${trouble}`;
}

function printPlan(
  ctx: RotorContext,
  due: Parameters<typeof planRotations>[1],
  envName: string,
  options: DueRunOptions,
  io: Io,
): number {
  const plan = planRotations(ctx, due);
  if (options.json) io.stdout(JSON.stringify({ environment: envName, rotations: plan }));
  else if (plan.length === 0) io.stdout(`nothing is due in ${envName}`);
  else
    for (const p of plan)
      io.stdout(
        `${p.secret_path}: runbook ${p.runbook} (${Object.entries(p.inputs)
          .map(([k, v]) => `${k}=${v}`)
          .join(
            ', ',
          )}); up to ${p.max_retries + 1} attempts; ${p.rollback_on_failure ? 'rolled back' : 'left as is'} on failure`,
      );
  return 0;
}
