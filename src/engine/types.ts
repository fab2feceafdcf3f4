import type { KvPath } from '../vault-path/index.js';
import type { Outputs } from '../actions/types.js';

/** A step ready to run: defaults applied, loops expanded, templates still unresolved. */
export interface PlannedStep {
  id: string;
  title: string;
  phase?: string;
  /** The action id (`vault.kv-patch`); absent for a parallel group. */
  action?: string;
  with: Record<string, unknown>;
  when?: string;
  retries: number;
  retryDelayMs: number;
  timeoutMs?: number;
  confirm?: string;
  /** The runbook's advice when this step fails for good, added under the error. */
  hint?: string;
  /** Whether running it changes anything (from the action, or any child of a group). */
  changes: boolean;
  /** Whether it is a point of no return (revokes the old credential): after it, a rollback means rotating again. */
  noReturn?: boolean;
  /** For a parallel group: its children, run with this concurrency after one approval. */
  group?: { concurrency: number; steps: PlannedStep[] };
  /** The loop item of a `for_each` child, as `{{ item }}`. */
  item?: unknown;
}

/** Everything the engine needs to run a runbook once. */
export interface Plan {
  runbookId: string;
  title: string;
  file: string;
  runbookHash: string;
  environment: string;
  /** Resolved inputs; secret ones are wrapped in Secret. */
  inputs: Record<string, unknown>;
  checklist: string[];
  steps: PlannedStep[];
  onFailure: 'rollback' | 'stop' | 'ask';
  /** Run after a rollback undid something: re-sync, restart, re-verify with the old value. */
  afterRollback: PlannedStep[];
  /** The environment's name when it is protected: the operator types it before the first change. */
  protectedEnvironment?: string;
  /** Sandbox or rehearsal: marked as a drill in the journal and lists. */
  drill: boolean;
  /** The secrets this session rotates (the runbook's `rotates`), canonical and sorted: locks and history use this list. */
  rotates: KvPath[];
}

export type StepStatus =
  | 'pending'
  | 'awaiting-approval'
  | 'running'
  | 'succeeded'
  | 'failed'
  | 'skipped'
  | 'undoing'
  | 'rolled-back'
  | 'undo-failed';

/** What the engine asks its decider. */
export type DecisionRequest =
  | { kind: 'approve'; step: PlannedStep; description: string; confirmEnvironment?: string }
  | { kind: 'failure'; step: PlannedStep; error: string; attempt: number }
  | { kind: 'interrupt'; step?: PlannedStep };

/**
 * The operator's answer. To `approve`: approve, skip, abort, rollback. To `failure`: retry,
 * skip, abort, rollback. To `interrupt` (Ctrl+C): rollback, abort (leave as is), continue.
 */
export type Decision = 'approve' | 'skip' | 'retry' | 'abort' | 'rollback' | 'continue';

/**
 * An approval that carries the protected environment's name as an operator gave it: typed at the
 * prompt, or passed explicitly (`--confirm-env`). A bare 'approve' never satisfies a request
 * with `confirmEnvironment`: an auto-approving decider must not stand in for the operator.
 */
export interface ConfirmedApproval {
  decision: 'approve';
  confirmedEnvironment: string;
}

/** What a decider answers: a decision, or an approval with the environment's name. */
export type Answer = Decision | ConfirmedApproval;

export type Decider = (request: DecisionRequest) => Promise<Answer>;

/**
 * What an ended session left behind, as facts; a field is present only when it holds. Status,
 * exit code and reason derive from them in src/engine/outcome.ts; decide on these, not the reason.
 */
export interface OutcomeFacts {
  /** Completed changes stay in place: nobody undid them (or an undo failed). */
  changesLeft?: true;
  /** Ctrl+C, SIGTERM or SIGHUP ended it. */
  interrupted?: true;
  /** The point of no return (a step id) that kept a rollback from undoing the steps before it. */
  pastNoReturn?: string;
  /** A step (its id) whose effect on its system nobody knows: an operator must check it. */
  uncertainStep?: string;
  /** At least one undo failed: the rollback is incomplete. */
  undoFailed?: true;
}

/** How a session ended, and the exit code the CLI returns for it. */
export type Outcome = (
  | { status: 'succeeded'; exitCode: 0 }
  | { status: 'rolled-back'; exitCode: 1; reason: string }
  | { status: 'failed'; exitCode: 1 | 3; reason: string }
  | { status: 'rollback-incomplete'; exitCode: 3; reason: string }
  | { status: 'aborted'; exitCode: 130 | 3; reason: string }
) &
  OutcomeFacts;

interface Base {
  /** Milliseconds since the epoch. */
  at: number;
}

/** Everything that happens in a session, in order. Journal, view state and reporters all read these. */
export type EngineEvent = Base &
  (
    | { type: 'session-started'; plan: PlanSummary }
    /** Something about the connection the operator must hear (weakened TLS); sent after session-started. */
    | { type: 'session-warning'; message: string }
    | { type: 'step-awaiting-approval'; stepId: string; description: string }
    | { type: 'decision'; stepId?: string; request: DecisionRequest['kind']; decision: Decision }
    | {
        type: 'step-started';
        stepId: string;
        attempt: number;
        parentId?: string;
        /** Where the system stood just before the step (its action's `before`), for its check on resume. */
        before?: Outputs;
      }
    | { type: 'step-log'; stepId: string; line: string }
    | { type: 'step-progress'; stepId: string; done: number; total: number; label?: string }
    | {
        type: 'step-succeeded';
        stepId: string;
        outputs: Outputs;
        durationMs: number;
        requests?: StepRequests;
      }
    | {
        type: 'step-failed';
        stepId: string;
        error: string;
        attempt: number;
        willRetry: boolean;
        durationMs: number;
        requests?: StepRequests;
      }
    | { type: 'step-skipped'; stepId: string; reason: string }
    | { type: 'rollback-started'; reason: string; steps: string[] }
    | { type: 'step-undoing'; stepId: string }
    | { type: 'step-rolled-back'; stepId: string; durationMs: number }
    | { type: 'step-undo-failed'; stepId: string; error: string }
    | { type: 'interrupt-requested' }
    | { type: 'session-ended'; outcome: Outcome }
  );

/** The part of a plan the journal and the screens need; no secret values, no templates. */
export interface PlanSummary {
  runbookId: string;
  title: string;
  file: string;
  runbookHash: string;
  environment: string;
  drill: boolean;
  inputs: Record<string, unknown>;
  /** The KV paths (inside the `secret` mount) the session rotates; absent in journals from before it. */
  rotates?: string[];
  checklist: string[];
  steps: Array<{
    id: string;
    title: string;
    phase?: string;
    changes: boolean;
    noReturn?: boolean;
    action?: string;
    children?: Array<{ id: string; title: string; action?: string }>;
  }>;
}

/**
 * Requests one attempt of a step sent, per server (`vault`, `kubernetes`, `http`, `rabbitmq`):
 * each a round trip over the network. A server the step did not call is absent.
 */
export type StepRequests = Partial<Record<string, number>>;
