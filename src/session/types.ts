import type { Secret } from '../engine/secret.js';
import type { Decider, EngineEvent, Outcome } from '../engine/types.js';
import type { GivenInputs } from '../runbook/inputs.js';

/** A runbook as pickers and `rotor runbooks` show it. */
export interface RunbookInfo {
  id: string;
  title: string;
  description?: string;
  file: string;
  checklist: string[];
  inputs: Array<{
    name: string;
    describe?: string;
    default?: string | number | boolean;
    required: boolean;
    secret: boolean;
    pattern?: string;
    choices?: string[];
    /** Required only under this condition on another input (`kubernetes`, `mode == acl`). */
    requiredWhen?: string;
    /** The environment variable a default names (`{{ env.ROTOR_SERVICE_URL }}`), known only once connected. */
    defaultFrom?: string;
    /** Where the default comes from when not the runbook (`inventory`, `sandbox`): the review screen says so. */
    defaultSource?: string;
  }>;
}

/** An environment an operator can pick. */
export interface EnvironmentInfo {
  name: string;
  /** Production-like: the operator types the name before the first change. */
  protected: boolean;
  /** Built-in emulators; sessions are drills. */
  sandbox: boolean;
  description?: string;
}

/** What starting a session needs from the screen that asked for it. */
export interface StartRequest {
  runbookId: string;
  environment: string;
  inputs: GivenInputs;
  decide: Decider;
  /** Masked entry in the middle of a step (an unseal key share). */
  askSecret?: (prompt: string) => Promise<Secret>;
  dryRun?: boolean;
  /** Overrides the runbook's on_failure (a policy with rollback_on_failure false says 'stop'). */
  onFailure?: 'rollback' | 'stop' | 'ask';
  /** Continue this interrupted session (`rotor resume`) instead of starting a new one. */
  resumeSessionId?: string;
}

/** A running session: its events as they happen, Ctrl+C, and its end. */
export interface SessionHandle {
  sessionId: string;
  journalPath: string;
  /** Receives every event from the first one on (earlier ones are replayed), until unsubscribed. */
  subscribe(listener: (event: EngineEvent) => void): () => void;
  /** Ctrl+C: the engine asks what to do at the next safe point. */
  interrupt(): void;
  done: Promise<Outcome>;
}

export type StartSession = (request: StartRequest) => Promise<SessionHandle>;
