import { UsageError, describeErrorOnOneLine } from '../errors.js';
import type { Decider, EngineEvent } from '../engine/types.js';
import type { HistoryEntry } from '../policy/history.js';
import type { NotifierPort } from '../policy/notifier-port.js';
import type { Policy } from '../policy/policy.js';
import {
  VERDICT_EXIT,
  rotatePolicy,
  type AttemptResult,
  type RotationResult,
} from '../policy/rotate-policy.js';
import { rotationInputs } from '../policy/policy-runbook.js';
import { inShard, shardFrom } from '../policy/shard.js';
import { dueReport } from '../policy/rotation-queries.js';
import { runbookFor } from '../policy/runbook-choice.js';
import { historyEntriesOf } from '../policy/session-history.js';
import { parseDuration } from '../runbook/duration.js';
import { createPlainReporter } from '../ui/plain-reporter.js';
import type { RotorContext } from './context.js';
import { policyStarter } from './due-starter.js';
import { commandWithoutValues, givenInputs } from './given-inputs.js';
import { confirmingDecider, requireHeadlessConfirmation } from './headless-confirmation.js';
import { jsonEvent } from './headless.js';
import type { Io } from './io.js';
import { hostOf, withStores, type StoreHost } from './policy-vault.js';

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

/** The decider of a policy's rotation: approve all; on failure, roll back or stop as the policy says. */
export function policyDecider(onFailure: 'rollback' | 'abort'): Decider {
  return async (request) => (request.kind === 'approve' ? 'approve' : onFailure);
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
  await ctx.prepareEnvironment(options.env);
  const envName = options.env ?? ctx.defaultEnvironment();
  const environment = ctx.environment(envName);
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
  const host = hostOf(ctx);
  const due = await withStores(host, envName, async (stores) =>
    (await dueReport(stores, new Date(), { onlyDue: true })).items
      .filter((i) => i.state.due && inShard(i.policy.secret_path, shard))
      .map((i) => i.policy),
  );
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
  const { createNotifier, notifierConfigFromEnv } = await import('../adapters/notifier.js');
  const { fetchHttp } = await import('../adapters/http.js');
  const notifier = createNotifier(notifierConfigFromEnv(ctx.env), fetchHttp);
  const backoffMs = parseDuration(ctx.env.ROTOR_RETRY_DELAY ?? '30s') ?? 30_000;
  const results: RotationResult[] = [];
  for (const policy of due) {
    let result: RotationResult;
    try {
      result = await rotateOne(ctx, host, policy, envName, { ...options, notifier, backoffMs }, io);
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

type RotateOptions = DueRunOptions & { notifier: NotifierPort; backoffMs: number };

/** One policy's rotation: sessions per attempt, history per attempt, then the verdict. */
export async function rotateOne(
  ctx: RotorContext,
  host: StoreHost,
  policy: Policy,
  envName: string,
  options: RotateOptions,
  io: Io,
): Promise<RotationResult> {
  const loaded = ctx.findRunbook(runbookFor(policy));
  const given = {
    ...givenInputs(loaded.runbook, [], ctx.env, {
      sandbox: ctx.environment(envName).sandbox,
      warn: (m) => io.stderr(`rotor: ${m}`),
    }),
    ...rotationInputs(policy, loaded.runbook.inputs),
  };
  const command = `${commandWithoutValues(io.argv)} (${policy.secret_path})`;
  const confirmed = requireHeadlessConfirmation(ctx.environment(envName), options.confirmEnv);
  const runAttempt = async (attempt: number, onFailure: 'rollback' | 'abort'): Promise<AttemptResult> => {
    let entry: HistoryEntry | undefined;
    let rotates: readonly string[] | undefined;
    const start = policyStarter(
      ctx,
      command,
      { rehearse: options.rehearse, faults: options.fault, allowRealTargets: options.allowRealTargets },
      async (session) => {
        const entries = historyEntriesOf(session, attempt);
        // The policy's verdict and notice speak of its own secret; history learns of every one rotated.
        entry = entries.find((e) => e.secret_path === policy.secret_path) ?? entries[0];
        if (!entry) return;
        rotates = session.rotates;
        // The policy's own store, not the world's Vault: in the sandbox they differ (see policy-vault.ts).
        await withStores(host, envName, async (stores) => {
          for (const recorded of entries) await stores.history.append(recorded);
        }).catch((error: unknown) =>
          io.stderr(
            `rotor: rotation history not recorded for ${entries.map((e) => e.secret_path).join(', ')}: ${(error as Error).message}`,
          ),
        );
      },
    );
    // rollback_on_failure false: the runbook's own on_failure gives way to the policy's rule.
    const handle = await start({
      runbookId: loaded.file,
      environment: envName,
      inputs: given,
      decide: confirmingDecider(policyDecider(onFailure), confirmed),
      onFailure: policy.rollback_on_failure ? undefined : 'stop',
    });
    const report = options.json
      ? (e: EngineEvent) =>
          io.stdout(JSON.stringify({ secret_path: policy.secret_path, attempt, ...jsonEvent(e, handle) }))
      : createPlainReporter(io.stdout, handle);
    handle.subscribe(report);
    const stop = io.onSignal(() => handle.interrupt());
    try {
      const outcome = await handle.done;
      return { outcome, sessionId: handle.sessionId, entry, rotates };
    } finally {
      stop();
    }
  };
  return rotatePolicy(policy, {
    runAttempt,
    notifier: options.notifier,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    backoffMs: options.backoffMs,
    report: (line) =>
      options.json
        ? io.stdout(
            JSON.stringify({ type: 'rotation-retry', secret_path: policy.secret_path, message: line }),
          )
        : io.stdout(line),
  });
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
  due: Policy[],
  envName: string,
  options: DueRunOptions,
  io: Io,
): number {
  const plan = due.map((policy) => {
    const loaded = ctx.findRunbook(runbookFor(policy));
    return {
      secret_path: policy.secret_path,
      runbook: loaded.runbook.id,
      inputs: rotationInputs(policy, loaded.runbook.inputs),
      max_retries: policy.max_retries,
      rollback_on_failure: policy.rollback_on_failure,
    };
  });
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
