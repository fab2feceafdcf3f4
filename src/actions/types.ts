import type { z } from 'zod';
import type { Secret } from '../engine/secret.js';
import type { Ports } from '../ports/index.js';

/**
 * How safe an action is to run again after a crash left it started but not finished:
 * - `safe`: reading, or idempotent; simply run it again.
 * - `guarded`: changes something; run `check` against the real system before running again.
 * - `point-of-no-return`: cannot be undone (revoking the old credential); after it, a rollback
 *   becomes "rotate again".
 */
export type ActionClass = 'safe' | 'guarded' | 'point-of-no-return';

/** Outputs a step publishes for later steps (`{{ steps.<id>.<name> }}`). Secret values stay wrapped. */
export type Outputs = Record<string, unknown>;

/**
 * Keyed short names for secret values (`hmac:1a2b3c4d5e6f`), the only way an action may name a
 * password or a digest of secret data in its outputs and log lines: keyed by the session, so
 * equal values compare equal (also across a resume) and a list of guesses matches nothing.
 */
export interface Fingerprints {
  fingerprint(value: Secret | string): string;
  /** The same name from the value's sha256 hex digest (what Redis ACL GETUSER lists). */
  fingerprintOfDigest(sha256Hex: string): string;
}

/** What an action sees while it runs: IO ports, cancellation, and channels for live status. */
export interface ActionContext extends Fingerprints {
  readonly ports: Ports;
  /** Aborted on timeout, or when the operator aborts. Pass it to every client call that takes one. */
  readonly signal: AbortSignal;
  /** A line of live output for the step's detail pane and the journal (redacted by the engine). */
  log(line: string): void;
  /** Progress such as "2/3 pods ready". */
  progress(done: number, total: number, label?: string): void;
  /** Wraps a freshly produced secret value so that it is masked everywhere downstream. */
  secret(value: string, label?: string): Secret;
  /**
   * Asks the operator for a value typed masked (an unseal key share). Headless runs have no one
   * to ask, so actions should accept the value as a parameter first and ask only when it is absent.
   */
  askSecret(prompt: string): Promise<Secret>;
  /** The step's id, for messages. */
  readonly stepId: string;
  /**
   * True when this step was running when an earlier session stopped and runs again on resume:
   * its change may already have happened, so "nothing changed" is no longer a failure by itself.
   */
  readonly rerun?: boolean;
}

/**
 * What a check found on the real system: the change happened, it did not, or the system cannot
 * say (a script or an HTTP call changed something rotor cannot read back). Only a person can
 * decide what to do on "cannot-tell", so the engine asks the operator or stops for one.
 */
export type CheckResult = 'done' | 'not-done' | 'cannot-tell';

/** What every kind of step has, whatever its class. */
interface ActionBase<P> {
  /** `<system>.<verb>` as written in runbooks. */
  readonly id: string;
  /** One line for `rotor runbooks` and help screens. */
  readonly summary: string;
  /** Parameters (`with:`), validated after templates are resolved. Must be a z.object. */
  readonly params: z.ZodType<P>;
  /** Names of the outputs the action publishes, checked when a runbook loads. */
  readonly outputs: readonly string[];
  /** Whether running it changes anything; a changing step never runs on a bare Enter. */
  readonly changes: boolean;
  /** What the step will change, for the approval prompt and dry runs. Never reveals a secret. */
  describe(params: P): string;
  run(params: P, ctx: ActionContext): Promise<Outputs>;
  /** Puts back what `run` changed, from the params and the outputs `run` published. */
  undo?(params: P, outputs: Outputs, ctx: ActionContext): Promise<void>;
  /**
   * Reads where the system stands just before `run` (a KV version, the certificates a PKI has
   * issued). The engine journals it with the step's start and hands it to `check` on resume, so a
   * check can tell "changed by this step" from "was already so". Never a secret: it is journaled.
   */
  before?(params: P, ctx: ActionContext): Promise<Outputs>;
  /**
   * After a crash: rebuilds the outputs of a run that already happened from the real system,
   * given what the journal recorded (secret outputs there are only hashes). Without it, a
   * resumed session can use only the non-secret outputs of this step.
   */
  recover?(params: P, recorded: Outputs, ctx: ActionContext): Promise<Outputs>;
}

/**
 * After a crash inside the step: has its change already happened? `before` is what `before`
 * read when the step started (absent in journals written before it existed). A check may also
 * put the system back to "not done" (revoke a certificate nobody received) and say so.
 */
export type CheckFn<P> = (params: P, ctx: ActionContext, before?: Outputs) => Promise<CheckResult>;

/**
 * One kind of step (`do: vault.kv-patch`). How safe it is to run again after a crash left it
 * started but not finished decides what it must provide: a guarded action cannot be declared
 * without the `check` that resume runs before running it again.
 */
export type ActionDefinition<P = any> = ActionBase<P> &
  (
    | { readonly class: 'guarded'; readonly check: CheckFn<P> }
    | { readonly class: 'safe' | 'point-of-no-return'; readonly check?: CheckFn<P> }
  );

/** Declares an action with its parameter type inferred from the zod schema. */
export function defineAction<S extends z.ZodType>(
  definition: ActionDefinition<z.infer<S>> & { params: S },
): ActionDefinition<z.infer<S>> {
  return definition;
}
