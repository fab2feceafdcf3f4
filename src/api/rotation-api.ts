import type { HistoryEntry, RotationStats, RotationStatus } from '../policy/history.js';
import { processEnvironment } from '../environment.js';
import { parsePolicy, runbookFor, type Policy, type PolicyInput } from '../policy/policy.js';
import { checkRunbookFits } from '../policy/policy-runbook.js';
import { VERDICT_EXIT, type RotationVerdict } from '../policy/rotate-policy.js';
import type { RotationStatusReport } from '../policy/rotation-queries.js';
import { canonicalSecretPath } from '../policy/secret-path.js';
import { dueLines, type DueLine } from '../services/due-rotations.js';
import { requireHeadlessConfirmation } from '../services/headless-confirmation.js';
import { checkPolicy, savePolicy } from '../services/policies.js';
import { readHistory, readStats, readStatus } from '../services/rotation-reports.js';
import { rotatePolicyNow, rotationNotices } from '../services/rotate-policy-now.js';
import { RotorContext } from '../services/rotor-context.js';
import { lightHost, withStores } from '../services/stores.js';
import { createPlainReporter } from '../ui/plain-reporter.js';

/** Where the library works: the same environments, variables and Vault as the CLI. */
export interface RotationClientOptions {
  /** As `--env`: sandbox, local, or a profile; default: the configured default, else local. */
  environment?: string;
  /** VAULT_ADDR, VAULT_TOKEN, ROTOR_STORE_PREFIX, ROTOR_SMTP_URL, …; default: process.env. */
  env?: Readonly<Record<string, string | undefined>>;
}

const envOf = (options: RotationClientOptions) => options.env ?? processEnvironment();

/** Adds or replaces a secret's rotation policy after the same checks as `rotor policy add`. */
export async function configurePolicy(
  policy: PolicyInput,
  options: RotationClientOptions = {},
): Promise<Policy> {
  const ctx = new RotorContext(envOf(options));
  const parsed = parsePolicy(policy);
  checkPolicy(ctx, parsed);
  return (await savePolicy(ctx, options.environment, parsed)).policy;
}

/** What rotateSecretNow did. */
export interface RotationOutcome {
  secret_path: string;
  verdict: RotationVerdict;
  /** As recorded in history; undefined only if the session could not start. */
  status?: RotationStatus;
  /** When the last attempt ended. */
  timestamp?: string;
  attempts: number;
  session_id: string;
  error?: string;
  /** The history entry of the last attempt. */
  history?: HistoryEntry;
  notified: string[];
  /** The CLI's exit code for the same result: 0, 1, 3 or 130. */
  exitCode: number;
}

/** How to rotate when the secret has no policy (or to override the policy for this once). */
export interface RotateNowOptions extends RotationClientOptions {
  secretType?: Policy['secret_type'];
  runbook?: string;
  rotationScriptPath?: string;
  inputs?: Record<string, string>;
  /** A protected environment's name, as `--confirm-env` takes it. */
  confirmEnvironment?: string;
  /** Each line the CLI would print (step progress, script output; never a secret value). */
  onLog?: (line: string) => void;
}

/**
 * Rotates a secret now, as `rotor run --due` rotates a due one: its policy's runbook, retries,
 * rollback and notices, recorded in history. A secret without a policy rotates once, as a manual
 * policy with the given secret type or runbook would.
 */
export async function rotateSecretNow(
  secretPath: string,
  options: RotateNowOptions = {},
): Promise<RotationOutcome> {
  const ctx = new RotorContext(envOf(options));
  const { environment } = await ctx.resolve(options.environment);
  const envName = environment.name;
  const confirmed = requireHeadlessConfirmation(environment, options.confirmEnvironment, 'option');
  const path = canonicalSecretPath(secretPath);
  const stored = await withStores(ctx, envName, (stores) => stores.policies.get(path));
  const overrides = Object.fromEntries(
    Object.entries({
      secret_type: options.secretType,
      runbook: options.runbook,
      rotation_script_path: options.rotationScriptPath,
      inputs: options.inputs,
    }).filter(([, v]) => v !== undefined),
  );
  const policy = parsePolicy({ ...(stored ?? { secret_path: path, rotation_type: 'manual' }), ...overrides });
  checkRunbookFits(policy, ctx.findRunbook(runbookFor(policy)).runbook.inputs);
  const log = options.onLog ?? (() => undefined);
  const result = await rotatePolicyNow(
    ctx,
    policy,
    envName,
    { command: `rotateSecretNow ${path}`, confirmEnv: confirmed, ...(await rotationNotices(ctx.env)) },
    {
      attempt: (handle) => createPlainReporter(log, handle),
      retry: log,
      warn: (message) => log(`rotor: ${message}`),
      // A library does not own the process's signals: its caller decides how to stop.
      onInterrupt: () => () => undefined,
    },
  );
  const entry = result.last.entry;
  return {
    secret_path: path,
    verdict: result.verdict,
    status: entry?.status,
    timestamp: entry?.ended_at,
    attempts: result.attempts,
    session_id: result.last.sessionId,
    error: entry?.error,
    history: entry,
    notified: result.notified,
    exitCode: VERDICT_EXIT[result.verdict],
  };
}

/** `rotor status`: scheduled, last_rotated, next_rotation, and why. */
export async function getRotationStatus(
  secretPath: string,
  options: RotationClientOptions = {},
): Promise<RotationStatusReport> {
  return (await readStatus(lightHost(envOf(options)), options.environment, secretPath, new Date())).report;
}

/** Every secret that has a rotation policy, active or not. */
export function listSecretsForRotation(options: RotationClientOptions = {}): Promise<string[]> {
  return withStores(lightHost(envOf(options)), options.environment, async (stores) =>
    (await stores.policies.list()).policies.map((p) => p.secret_path),
  );
}

/** `rotor history`: one secret's rotations, or the newest across all; newest first. */
export async function getRotationHistory(
  options: RotationClientOptions & { secretPath?: string; limit?: number } = {},
): Promise<HistoryEntry[]> {
  const host = lightHost(envOf(options));
  return (await readHistory(host, options.environment, options.secretPath, options.limit)).entries;
}

/** `rotor stats`: total_rotations, success_count, failed_count, success_rate, avg_duration_seconds. */
export async function getRotationStats(
  options: RotationClientOptions & { secretPath?: string } = {},
): Promise<RotationStats> {
  return (await readStats(lightHost(envOf(options)), options.environment, options.secretPath)).stats;
}

/** `rotor due --json`: the secrets due now (or at `now`), and why. */
export function dueRotations(options: RotationClientOptions & { now?: Date } = {}): Promise<DueLine[]> {
  return dueLines(lightHost(envOf(options)), options.environment, options.now ?? new Date());
}
