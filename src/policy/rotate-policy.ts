import { describeError } from '../errors.js';
import type { Outcome } from '../engine/types.js';
import type { HistoryEntry } from './history.js';
import { failureNotification } from './notification.js';
import type { NotifierPort } from '../ports/notifier-port.js';
import type { Policy } from './policy.js';

/** One run of a policy's runbook, as the caller started it. */
export interface AttemptResult {
  outcome: Outcome;
  sessionId: string;
  /** The history entry the session's end recorded (undefined if the runbook is not a rotation). */
  entry?: HistoryEntry;
  /** Every secret the session rotated (the plan's list); the notice names them all. */
  rotates?: readonly string[];
}

/**
 * How a policy's rotation ended. `ok`; `failed`: nothing is left half-done (rolled back, or
 * failed before changing anything); `needs-operator`: changes were left in place or an undo
 * failed; `interrupted`: Ctrl+C or SIGTERM.
 */
export type RotationVerdict = 'ok' | 'failed' | 'needs-operator' | 'interrupted';

export interface RotationResult {
  policy: Policy;
  verdict: RotationVerdict;
  attempts: number;
  last: AttemptResult;
  /** Channels the failure notice went to (`email`, `webhook`), and those that failed, with why. */
  notified: string[];
  notifyErrors: string[];
}

/** What rotating a policy needs from its caller. */
export interface RotateDeps {
  /** Runs the policy's runbook once; `onFailure` is how its decider answers a failed step. */
  runAttempt(attempt: number, onFailure: 'rollback' | 'abort'): Promise<AttemptResult>;
  notifier: NotifierPort;
  sleep(ms: number): Promise<void>;
  /** First wait between attempts; it doubles each time. */
  backoffMs: number;
  /** Progress for the operator's log. */
  report(line: string): void;
}

/** The CLI's exit code for a verdict (`run --due`, and the library's RotationOutcome). */
export const VERDICT_EXIT: Record<RotationVerdict, number> = {
  ok: 0,
  failed: 1,
  'needs-operator': 3,
  interrupted: 130,
};

/**
 * What an outcome means for retrying: a clean failure may be tried again, a half-done one not.
 * Read from the outcome's facts, never its reason: rewording a message must not turn a half-done
 * rotation into one that is retried. An interruption that left changes is `interrupted` (the
 * operator who stopped it knows), unless something is known to be broken or unknown.
 */
export function verdictOf(outcome: Outcome): RotationVerdict {
  if (outcome.status === 'succeeded') return 'ok';
  if (outcome.undoFailed || outcome.uncertainStep || outcome.pastNoReturn) return 'needs-operator';
  if (outcome.interrupted) return 'interrupted';
  return outcome.changesLeft ? 'needs-operator' : 'failed';
}

/**
 * Rotates one secret as its policy says: up to max_retries more attempts after a clean failure,
 * waiting backoff, 2×backoff, …; failures rolled back or left as they are (rollback_on_failure);
 * then, if it still failed, a notice by e-mail and webhook (notify_on_failure). A rotation left
 * half-done is not retried: the next attempt would start from a state nobody checked.
 */
export async function rotatePolicy(policy: Policy, deps: RotateDeps): Promise<RotationResult> {
  const onFailure = policy.rollback_on_failure ? 'rollback' : 'abort';
  const maxAttempts = policy.max_retries + 1;
  let attempt = 1;
  let last = await deps.runAttempt(attempt, onFailure);
  let verdict = verdictOf(last.outcome);
  while (verdict === 'failed' && attempt < maxAttempts) {
    const wait = deps.backoffMs * 2 ** (attempt - 1);
    deps.report(
      `${policy.secret_path}: attempt ${attempt} of ${maxAttempts} failed (${last.entry?.error ?? last.outcome.status}); trying again in ${Math.round(wait / 100) / 10}s`,
    );
    await deps.sleep(wait);
    attempt++;
    last = await deps.runAttempt(attempt, onFailure);
    verdict = verdictOf(last.outcome);
  }
  const result: RotationResult = { policy, verdict, attempts: attempt, last, notified: [], notifyErrors: [] };
  if ((verdict === 'failed' || verdict === 'needs-operator') && policy.notify_on_failure && last.entry)
    await notify(result, last.entry, deps);
  return result;
}

function nextStep(result: RotationResult, entry: HistoryEntry): string {
  const journal = `rotor sessions show ${entry.session_id} --markdown`;
  // The notice is read far from the shell that ran it: name the environment, or the retry
  // would go to whatever the reader's default is.
  const again = `rotor run --due --env ${entry.environment} --yes`;
  if (result.verdict === 'needs-operator')
    return `the rotation stopped part-way and needs an operator: read the journal (${journal}), then finish or undo it by hand`;
  if (entry.status === 'rolled_back')
    return `the previous value is back in place; fix the cause (${journal}), then run ${again} again`;
  return `nothing was left half-done; fix the cause (${journal}), then run ${again} again`;
}

/** Sends the notice on every configured channel; one failing never hides the other. */
async function notify(result: RotationResult, entry: HistoryEntry, deps: RotateDeps): Promise<void> {
  const notice = failureNotification(entry, {
    attempts: result.attempts,
    maxRetries: result.policy.max_retries,
    nextStep: nextStep(result, entry),
    rotates: result.last.rotates,
  });
  const send = async (channel: string, work: () => Promise<void>) => {
    try {
      await work();
      result.notified.push(channel);
    } catch (error) {
      result.notifyErrors.push(`${channel}: ${describeError(error)}`);
    }
  };
  const { email, webhook } = deps.notifier;
  if (result.policy.notify_emails.length > 0 && !email)
    result.notifyErrors.push('email: ROTOR_SMTP_URL is not set, so notify_emails got nothing');
  if (email && result.policy.notify_emails.length > 0)
    await send('email', () => email(result.policy.notify_emails, notice));
  if (webhook) await send('webhook', () => webhook(notice));
}
