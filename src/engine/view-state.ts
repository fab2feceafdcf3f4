import type { Decision, DecisionRequest, EngineEvent, Outcome, PlanSummary, StepStatus } from './types.js';

/** One step as screens and reports show it. */
export interface StepView {
  id: string;
  title: string;
  phase?: string;
  changes: boolean;
  /** A point of no return: the TUI marks it so the operator knows before approving. */
  noReturn?: boolean;
  status: StepStatus;
  attempt: number;
  startedAt?: number;
  durationMs?: number;
  error?: string;
  reason?: string;
  progress?: { done: number; total: number; label?: string };
  lastLine?: string;
  parentId?: string;
  children: string[];
  /** The action id (`vault.kv-patch`), so screens can tell what kind of link a step is. */
  action?: string;
  /** The step's plain (non-secret) outputs once it succeeded: versions, hashes, counts. */
  outputs?: Record<string, string | number | boolean>;
}

/** A line for the scrolling log (append-only, so the TUI can keep it in `<Static>`). */
export interface LogLine {
  seq: number;
  at: number;
  stepId?: string;
  kind: 'log' | 'status' | 'error' | 'decision';
  text: string;
  /** On a step's end (succeeded, failed, rolled back): how long that attempt or undo took. */
  durationMs?: number;
  /** On a decision line: what was asked and the answer, for wording that does not parse `text`. */
  decision?: { request: DecisionRequest['kind']; decision: Decision };
}

/** Everything a screen needs, derived only from events: the same fold serves TUI, plain output and replay. */
export interface ViewState {
  plan?: PlanSummary;
  steps: Record<string, StepView>;
  /** Top-level step ids in plan order. */
  order: string[];
  /** The step currently running or awaiting a decision. */
  current?: string;
  awaiting?: { stepId: string; description: string };
  interrupted: boolean;
  rollingBack: boolean;
  log: LogLine[];
  outcome?: Outcome;
  startedAt?: number;
  endedAt?: number;
}

export const initialViewState: ViewState = {
  steps: {},
  order: [],
  interrupted: false,
  rollingBack: false,
  log: [],
};

function step(state: ViewState, id: string, patch: Partial<StepView>): ViewState {
  const existing = state.steps[id] ?? {
    id,
    title: id,
    changes: false,
    status: 'pending',
    attempt: 0,
    children: [],
  };
  return { ...state, steps: { ...state.steps, [id]: { ...existing, ...patch } } };
}

function line(
  state: ViewState,
  event: EngineEvent,
  kind: LogLine['kind'],
  text: string,
  stepId?: string,
  extra: Partial<LogLine> = {},
): ViewState {
  return {
    ...state,
    log: [...state.log, { seq: state.log.length, at: event.at, stepId, kind, text, ...extra }],
  };
}

/** Outputs that are safe to keep for screens: primitives only, never a secret or its hash. */
function plainOutputs(outputs: Record<string, unknown>): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(outputs)) {
    if (typeof v === 'number' || typeof v === 'boolean') out[k] = v;
    else if (typeof v === 'string' && !v.startsWith('hmac-sha256:') && v.length <= 200) out[k] = v;
  }
  return out;
}

/** Folds one event into the view state. Pure; never throws on an unknown step. */
export function reduce(state: ViewState, event: EngineEvent): ViewState {
  switch (event.type) {
    case 'session-started': {
      const steps: Record<string, StepView> = {};
      for (const s of event.plan.steps) {
        steps[s.id] = {
          id: s.id,
          title: s.title,
          phase: s.phase,
          changes: s.changes,
          noReturn: s.noReturn,
          status: 'pending',
          attempt: 0,
          children: (s.children ?? []).map((c) => c.id),
          action: s.action,
        };
        for (const c of s.children ?? [])
          steps[c.id] = {
            id: c.id,
            title: c.title,
            phase: s.phase,
            changes: s.changes,
            status: 'pending',
            attempt: 0,
            parentId: s.id,
            children: [],
            action: c.action,
          };
      }
      return {
        ...state,
        plan: event.plan,
        steps,
        order: event.plan.steps.map((s) => s.id),
        startedAt: event.at,
      };
    }
    case 'step-awaiting-approval':
      return {
        ...step(state, event.stepId, { status: 'awaiting-approval' }),
        current: event.stepId,
        awaiting: { stepId: event.stepId, description: event.description },
      };
    case 'decision': {
      const next = {
        ...state,
        awaiting: undefined,
        interrupted: event.request === 'interrupt' ? false : state.interrupted,
      };
      return line(next, event, 'decision', `${event.request}: ${event.decision}`, event.stepId, {
        decision: { request: event.request, decision: event.decision },
      });
    }
    case 'step-started': {
      const next = step(state, event.stepId, {
        status: 'running',
        attempt: event.attempt,
        startedAt: event.at,
        error: undefined,
        progress: undefined,
      });
      return line(
        event.parentId ? next : { ...next, current: event.stepId },
        event,
        'status',
        `▶ ${state.steps[event.stepId]?.title ?? event.stepId}${event.attempt > 1 ? ` (attempt ${event.attempt})` : ''}`,
        event.stepId,
      );
    }
    case 'step-log':
      return line(
        step(state, event.stepId, { lastLine: event.line }),
        event,
        'log',
        event.line,
        event.stepId,
      );
    case 'step-progress':
      return step(state, event.stepId, {
        progress: { done: event.done, total: event.total, label: event.label },
      });
    case 'step-succeeded':
      return line(
        step(state, event.stepId, {
          status: 'succeeded',
          durationMs: event.durationMs,
          outputs: plainOutputs(event.outputs),
        }),
        event,
        'status',
        `✔ ${state.steps[event.stepId]?.title ?? event.stepId}`,
        event.stepId,
        { durationMs: event.durationMs },
      );
    case 'step-failed':
      return line(
        step(state, event.stepId, {
          status: event.willRetry ? 'running' : 'failed',
          error: event.error,
          durationMs: event.durationMs,
        }),
        event,
        'error',
        `✘ ${state.steps[event.stepId]?.title ?? event.stepId}: ${event.error}${event.willRetry ? ' (will retry)' : ''}`,
        event.stepId,
        { durationMs: event.durationMs },
      );
    case 'step-skipped':
      return line(
        step(state, event.stepId, { status: 'skipped', reason: event.reason }),
        event,
        'status',
        `↷ ${state.steps[event.stepId]?.title ?? event.stepId}: ${event.reason}`,
        event.stepId,
      );
    case 'rollback-started':
      return line(
        { ...state, rollingBack: true },
        event,
        'status',
        `↺ rolling back ${event.steps.length} step(s): ${event.reason}`,
      );
    case 'step-undoing':
      return { ...step(state, event.stepId, { status: 'undoing' }), current: event.stepId };
    case 'step-rolled-back':
      return line(
        step(state, event.stepId, { status: 'rolled-back' }),
        event,
        'status',
        `↺ undone: ${state.steps[event.stepId]?.title ?? event.stepId}`,
        event.stepId,
        { durationMs: event.durationMs },
      );
    case 'step-undo-failed':
      return line(
        step(state, event.stepId, { status: 'undo-failed', error: event.error }),
        event,
        'error',
        `✘ undo failed: ${state.steps[event.stepId]?.title ?? event.stepId}: ${event.error}`,
        event.stepId,
      );
    case 'interrupt-requested':
      return { ...state, interrupted: true };
    case 'session-warning':
      return line(state, event, 'error', `⚠ warning: ${event.message}`);
    case 'session-ended':
      return line(
        { ...state, outcome: event.outcome, current: undefined, awaiting: undefined, endedAt: event.at },
        event,
        event.outcome.status === 'succeeded' ? 'status' : 'error',
        `session ${event.outcome.status}${'reason' in event.outcome ? `: ${event.outcome.reason}` : ''}`,
      );
  }
}
