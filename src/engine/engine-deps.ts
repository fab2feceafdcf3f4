import type { ActionRegistry } from '../actions/index.js';
import type { RemedyWhere } from '../runbook/input-remedy.js';
import type { Ports } from '../ports/index.js';
import type { Interrupts } from './interrupts.js';
import type { ResumePoint } from './resume/resume-point.js';
import type { Secret } from './secret.js';
import type { SecretRegistry } from './secret-registry.js';
import type { SessionKey } from './session-key.js';
import type { Decider, EngineEvent, StepRequests } from './types.js';

/** Distributes an event without its timestamp; the engine stamps it. */
type Unstamped = EngineEvent extends infer E ? (E extends EngineEvent ? Omit<E, 'at'> : never) : never;
export type EventInput = Unstamped;

/** Everything the engine touches, passed in so it runs the same under test, headless and TUI. */
export interface EngineDeps {
  actions: ActionRegistry;
  ports: Ports;
  decide: Decider;
  /**
   * Receives each event synchronously, in order. The journal writes and syncs it before
   * returning, which is what guarantees "recorded before the next side effect".
   */
  emit: (event: EngineEvent) => void;
  secrets: SecretRegistry;
  /** The session's HMAC key: actions name secrets only through fingerprints keyed by it. */
  key: SessionKey;
  interrupts?: Interrupts;
  /** Environment variables for `{{ env.X }}`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Where an interrupted session stood: its finished steps are restored, not run again. */
  resume?: ResumePoint;
  /** Where the session runs, for remedies that must work there (no ROTOR_INPUT_* in the sandbox). */
  where?: RemedyWhere;
  /**
   * Resolves once every record emitted so far is on disk. The engine awaits it after a record
   * that guards a side effect (step-started), so records emitted together (the children of a
   * parallel group) share one fsync. Absent: emit itself made each record durable.
   */
  durable?: () => Promise<void>;
  /** Runs `work`, tallying the requests it sends into `counts`; absent: requests are not counted. */
  countRequests?: <T>(counts: StepRequests, work: () => Promise<T>) => Promise<T>;
  /** How actions ask the operator for a masked value; absent in headless runs. */
  askSecret?: (prompt: string) => Promise<Secret>;
}
