import type { EngineEvent } from '../engine/types.js';
import type { HistoryEntry } from '../policy/history.js';
import type { NotifierPort } from '../ports/notifier-port.js';
import type { Policy } from '../policy/policy.js';
import { rotatePolicy, type AttemptResult, type RotationResult } from '../policy/rotate-policy.js';
import { rotationInputs } from '../policy/policy-runbook.js';
import { runbookFor } from '../policy/runbook-choice.js';
import { historyEntriesOf } from '../policy/session-history.js';
import { parseDuration } from '../runbook/duration.js';
import type { SessionHandle } from '../session/types.js';
import { givenInputs } from './given-inputs.js';
import { confirmingDecider, requireHeadlessConfirmation } from './headless-confirmation.js';
import { policyDecider } from './headless-decider.js';
import type { RotorContext } from './rotor-context.js';
import { withStores } from './stores.js';

/** Where a policy's rotation tells what happens; the CLI prints it, the library hands it on. */
export interface RotationReporter {
  /** A listener for one attempt's session events (plain lines, JSON, or the library's log). */
  attempt(handle: SessionHandle, attempt: number): (event: EngineEvent) => void;
  /** Progress between attempts ("attempt 1 failed; retrying in 30s"). */
  retry(line: string): void;
  /** Something passed over or not recorded; the rotation goes on. */
  warn(message: string): void;
  /** Calls back on an interrupt (SIGINT, SIGTERM); returns how to stop listening. */
  onInterrupt(handler: () => void): () => void;
}

/** How to rotate: the sessions' command line, the confirmation, a drill's options, notices. */
export interface RotatePolicyOptions {
  /** The command as journals keep it; the policy's path is added to it. */
  command: string;
  /** A protected environment's name, given explicitly. */
  confirmEnv?: string;
  rehearse?: boolean;
  /** Sandbox only: failures to rehearse, applied to every attempt's world. */
  fault?: readonly string[];
  allowRealTargets?: boolean;
  notifier: NotifierPort;
  /** First wait between attempts; it doubles each time. */
  backoffMs: number;
}

/** The failure notifier and retry delay of policy rotations, from the process's variables. */
export async function rotationNotices(
  env: Readonly<Record<string, string | undefined>>,
): Promise<Pick<RotatePolicyOptions, 'notifier' | 'backoffMs'>> {
  const { createNotifier, notifierConfigFromEnv } = await import('../adapters/notifier.js');
  const { fetchHttp } = await import('../adapters/http.js');
  return {
    notifier: createNotifier(notifierConfigFromEnv(env), fetchHttp),
    backoffMs: parseDuration(env.ROTOR_RETRY_DELAY ?? '30s') ?? 30_000,
  };
}

/**
 * One policy's rotation (`rotor run --due`, the library's rotateSecretNow): a session per
 * attempt, history per attempt in the policy's own store, retries, the notice, then the verdict.
 */
export async function rotatePolicyNow(
  ctx: RotorContext,
  policy: Policy,
  envName: string,
  options: RotatePolicyOptions,
  reporter: RotationReporter,
): Promise<RotationResult> {
  const loaded = ctx.findRunbook(runbookFor(policy));
  const given = {
    ...givenInputs(loaded.runbook, [], ctx.env, {
      sandbox: ctx.environment(envName).sandbox,
      warn: reporter.warn,
    }),
    ...rotationInputs(policy, loaded.runbook.inputs),
  };
  const command = `${options.command} (${policy.secret_path})`;
  const confirmed = requireHeadlessConfirmation(ctx.environment(envName), options.confirmEnv);
  const runAttempt = async (attempt: number, onFailure: 'rollback' | 'abort'): Promise<AttemptResult> => {
    let entry: HistoryEntry | undefined;
    let rotates: readonly string[] | undefined;
    const start = ctx.starter(command, {
      rehearse: options.rehearse,
      faults: options.fault,
      allowRealTargets: options.allowRealTargets,
      onEnded: async (session) => {
        const entries = historyEntriesOf(session, attempt);
        // The policy's verdict and notice speak of its own secret; history learns of every one rotated.
        entry = entries.find((e) => e.secret_path === policy.secret_path) ?? entries[0];
        if (!entry) return;
        rotates = session.rotates;
        // The policy's own store, not the world's Vault: in the sandbox they differ (see stores.ts).
        await withStores(ctx, envName, async (stores) => {
          for (const recorded of entries) await stores.history.append(recorded);
        }).catch((error: unknown) =>
          reporter.warn(
            `rotation history not recorded for ${entries.map((e) => e.secret_path).join(', ')}: ${(error as Error).message}`,
          ),
        );
      },
    });
    // rollback_on_failure false: the runbook's own on_failure gives way to the policy's rule.
    const handle = await start({
      runbookId: loaded.file,
      environment: envName,
      inputs: given,
      decide: confirmingDecider(policyDecider(onFailure), confirmed),
      onFailure: policy.rollback_on_failure ? undefined : 'stop',
    });
    handle.subscribe(reporter.attempt(handle, attempt));
    const stop = reporter.onInterrupt(() => handle.interrupt());
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
    report: reporter.retry,
  });
}
