import type { Decision, DecisionRequest, EngineEvent, Outcome, PlanSummary, StepStatus } from './types.js';
import { isHashedValue } from '../journal/hashed-value.js';

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

/**
 * What a line of the scrolling log says, as data: the UI and the reports choose the words and
 * marks (src/ui/log-words.ts). Append-only, so the TUI can keep the lines in `<Static>`.
 */
export type LogEntry =
  /** A line of a step's own output. */
  | { kind: 'log'; text: string }
  | { kind: 'step-started'; attempt: number }
  | { kind: 'step-succeeded' }
  | { kind: 'step-failed'; error: string; willRetry: boolean }
  | { kind: 'step-skipped'; reason: string }
  | { kind: 'rollback-started'; steps: number; reason: string }
  | { kind: 'step-rolled-back' }
  | { kind: 'step-undo-failed'; error: string }
  | { kind: 'warning'; message: string }
  /** What was asked and the answer. */
  | { kind: 'decision'; decision: { request: DecisionRequest['kind']; decision: Decision } }
  | { kind: 'session-ended'; outcome: Outcome };

/** A line for the scrolling log: when, which step, what (see LogEntry). */
export type LogLine = LogEntry & {
  seq: number;
  at: number;
  stepId?: string;
  /** On a step's end (succeeded, failed, rolled back): how long that attempt or undo took. */
  durationMs?: number;
};

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
  entry: LogEntry,
  stepId?: string,
  durationMs?: number,
): ViewState {
  const logged = { ...entry, seq: state.log.length, at: event.at, stepId } as LogLine;
  if (durationMs !== undefined) logged.durationMs = durationMs;
  return { ...state, log: [...state.log, logged] };
}

/** Outputs that are safe to keep for screens: primitives only, never a secret or its hash. */
function plainOutputs(outputs: Record<string, unknown>): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(outputs)) {
    if (typeof v === 'number' || typeof v === 'boolean') out[k] = v;
    else if (typeof v === 'string' && !isHashedValue(v) && v.length <= 200) out[k] = v;
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
      return line(
        next,
        event,
        { kind: 'decision', decision: { request: event.request, decision: event.decision } },
        event.stepId,
      );
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
        { kind: 'step-started', attempt: event.attempt },
        event.stepId,
      );
    }
    case 'step-log':
      return line(
        step(state, event.stepId, { lastLine: event.line }),
        event,
        { kind: 'log', text: event.line },
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
        { kind: 'step-succeeded' },
        event.stepId,
        event.durationMs,
      );
    case 'step-failed':
      return line(
        step(state, event.stepId, {
          status: event.willRetry ? 'running' : 'failed',
          error: event.error,
          durationMs: event.durationMs,
        }),
        event,
        { kind: 'step-failed', error: event.error, willRetry: event.willRetry },
        event.stepId,
        event.durationMs,
      );
    case 'step-skipped':
      return line(
        step(state, event.stepId, { status: 'skipped', reason: event.reason }),
        event,
        { kind: 'step-skipped', reason: event.reason },
        event.stepId,
      );
    case 'rollback-started':
      return line({ ...state, rollingBack: true }, event, {
        kind: 'rollback-started',
        steps: event.steps.length,
        reason: event.reason,
      });
    case 'step-undoing':
      return { ...step(state, event.stepId, { status: 'undoing' }), current: event.stepId };
    case 'step-rolled-back':
      return line(
        step(state, event.stepId, { status: 'rolled-back' }),
        event,
        { kind: 'step-rolled-back' },
        event.stepId,
        event.durationMs,
      );
    case 'step-undo-failed':
      return line(
        step(state, event.stepId, { status: 'undo-failed', error: event.error }),
        event,
        { kind: 'step-undo-failed', error: event.error },
        event.stepId,
      );
    case 'interrupt-requested':
      return { ...state, interrupted: true };
    case 'session-warning':
      return line(state, event, { kind: 'warning', message: event.message });
    case 'session-ended':
      return line(
        { ...state, outcome: event.outcome, current: undefined, awaiting: undefined, endedAt: event.at },
        event,
        { kind: 'session-ended', outcome: event.outcome },
      );
  }
}
