import { describeError } from '../errors.js';
import { resolveString, truthy } from '../runbook/template.js';
import { acceptAnswer } from './confirmation.js';
import { describeStep } from './describe.js';
import type { EngineDeps, EventInput } from './engine-deps.js';
import { sessionLookup } from './lookup.js';
import { summarizePlan } from './plan.js';
import { outcomeOf } from './outcome.js';
import { rollback } from './rollback.js';
import { runActionStep, type CompletedStep } from './run-step.js';
import { runGroup } from './run-group.js';
import { restoreStep } from './resume/restore-step.js';
import { lostOutputReason, usesLostOutput } from './resume/lost-outputs.js';
import type { Answer, Decision, DecisionRequest, EngineEvent, Outcome, Plan, PlannedStep } from './types.js';

type Next = 'next' | { end: Outcome };

/**
 * Runs a plan to its end: asks for approval before each step, runs it with retries and timeout,
 * handles failures as the runbook says, and rolls back in reverse order. Pure orchestration:
 * every effect goes through `deps`.
 */
export async function runPlan(plan: Plan, deps: EngineDeps): Promise<Outcome> {
  return new PlanRun(plan, deps).run();
}

class PlanRun {
  private readonly outputs = new Map<string, Record<string, unknown>>();
  private readonly skipped = new Set<string>();
  private readonly completed: CompletedStep[] = [];
  private environmentConfirmed = false;
  /** A step that may have changed something a rollback cannot know about (see restoreStep). */
  private uncertain?: string;
  /** Set once Ctrl+C was answered with anything but "continue": the session ends as aborted. */
  private interrupted = false;

  constructor(
    private readonly plan: Plan,
    private readonly deps: EngineDeps,
  ) {
    deps.secrets.addFrom(plan.inputs);
  }

  private emit = (event: EventInput): void => {
    this.deps.emit({ ...event, at: this.deps.ports.clock.now() } as EngineEvent);
  };

  private lookup = (item?: unknown, allowHashed = false) =>
    sessionLookup(
      { inputs: this.plan.inputs, outputs: this.outputs, skipped: this.skipped, env: this.deps.env ?? {} },
      item,
      allowHashed,
    );

  async run(): Promise<Outcome> {
    this.emit({ type: 'session-started', plan: summarizePlan(this.plan) });
    const outcome = await this.runSteps();
    this.emit({ type: 'session-ended', outcome });
    return outcome;
  }

  private async runSteps(): Promise<Outcome> {
    const resume = this.deps.resume;
    if (resume?.rollbackStarted) return this.finishRollback();
    for (const step of this.plan.steps) {
      const next = await this.runTopLevel(step);
      if (next !== 'next') return next.end;
    }
    return outcomeOf({ kind: 'succeeded' });
  }

  private async runTopLevel(step: PlannedStep): Promise<Next> {
    const interrupted = await this.atSafePoint(step);
    if (interrupted !== 'next') return interrupted;
    const restored = await this.restore(step);
    if (restored !== 'run') return restored;
    const lost = step.group ? undefined : this.lostReason(step);
    if (lost) {
      this.skip(step, lost);
      return 'next';
    }
    if (step.when !== undefined) {
      let run: boolean;
      try {
        run = truthy(resolveString(step.when, this.lookup()));
      } catch (error) {
        return this.onFailure(
          step,
          describeError(error),
          this.plan.onFailure === 'rollback' ? 'rollback' : 'stop',
        );
      }
      if (!run) {
        this.skip(step, `when: ${step.when} is false`);
        return 'next';
      }
    }
    const approval = await this.approve(step);
    if (approval !== 'approve')
      return approval === 'skip'
        ? (this.skip(step, 'skipped by the operator'), 'next')
        : this.endBy(approval, this.unconfirmed ?? 'the operator');
    for (let attempt = 1; ; attempt++) {
      const error = await this.execute(step);
      if (error === undefined) return this.atSafePoint(step);
      if (this.plan.onFailure !== 'ask') return this.onFailure(step, error, this.plan.onFailure);
      const decision = await this.ask({ kind: 'failure', step, error, attempt });
      if (decision === 'retry') continue;
      if (decision === 'skip') return (this.skip(step, 'skipped after failing'), 'next');
      if (decision === 'rollback') return this.onFailure(step, error, 'rollback');
      return this.endBy('abort', 'the operator');
    }
  }

  /**
   * On resume: a step the interrupted session finished is restored instead of run again; an
   * in-flight one is checked. Returns 'run' when the step must (still) run normally.
   */
  private async restore(step: PlannedStep): Promise<Next | 'run'> {
    const points = this.deps.resume?.steps;
    if (!points) return 'run';
    const children = step.group?.steps ?? [step];
    let pending = false;
    for (const child of children) {
      const mark = points.get(child.id);
      if (!mark || mark.state === 'rolled-back') {
        pending = true;
        continue;
      }
      if (mark.state === 'skipped') {
        this.skip(child, 'skipped before the session was interrupted');
        continue;
      }
      const result = await restoreStep(
        child,
        mark,
        this.deps,
        this.emit,
        this.lookup(child.item, true),
        this.changedAfter(child.id),
      );
      if (result.kind === 'failed') {
        // A step nobody can check may or may not have made its change: undoing the others around
        // it could leave things worse, so only an operator who looked may choose a rollback.
        let mode = this.plan.onFailure === 'ask' || result.ask ? ('stop' as const) : this.plan.onFailure;
        if (result.ask && this.plan.onFailure === 'ask' && !step.group) {
          // Only the operator can look at what the interrupted run did: they decide.
          const decision = await this.ask({ kind: 'failure', step: child, error: result.error, attempt: 1 });
          if (decision === 'retry') {
            this.emit({ type: 'step-log', stepId: child.id, line: 'runs again: the operator checked it' });
            pending = true;
            continue;
          }
          if (decision === 'skip') {
            this.skip(child, 'skipped by the operator after an interruption');
            return 'next';
          }
          if (decision !== 'rollback') return this.endBy('abort', 'the operator');
          mode = 'rollback';
        }
        if (result.uncertain) this.uncertain = child.id;
        return this.onFailure(child, `could not resume: ${result.error}`, mode);
      }
      if (result.kind === 'run') {
        if (result.stale) this.lost.add(child.id);
        this.emit({ type: 'step-log', stepId: child.id, line: result.why });
        pending = true;
        continue;
      }
      this.complete(result.completed);
      if (step.group)
        (this.groupDone.get(step.id) ?? this.groupDone.set(step.id, new Set()).get(step.id)!).add(child.id);
    }
    if (pending) return 'run';
    if (step.group) this.outputs.set(step.id, {});
    return 'next';
  }

  /** Reads run again on resume after a later change: their outputs are not the ones from before it. */
  private readonly lost = new Set<string>();

  /** Why a check must be skipped on resume (it needs a stale read's output), if it must. */
  private lostReason(step: PlannedStep): string | undefined {
    const lostStep = usesLostOutput(step, this.lost, this.deps.actions);
    return lostStep && lostOutputReason(lostStep);
  }

  /** Every action step in plan order, group children in place (built on first resume use). */
  private order?: PlannedStep[];

  /** Whether a step after this one (in plan order) had made its change before the interruption. */
  private changedAfter(stepId: string): boolean {
    const order = (this.order ??= this.plan.steps.flatMap((s) => s.group?.steps ?? [s]));
    return order.slice(order.findIndex((s) => s.id === stepId) + 1).some((s) => {
      const state = this.deps.resume?.steps.get(s.id)?.state;
      return (
        (state === 'succeeded' || state === 'in-flight') &&
        this.deps.actions.get(s.action ?? '')?.changes === true
      );
    });
  }

  /** A crash during a rollback: restore what had completed and not been undone, then finish undoing it. */
  private async finishRollback(): Promise<Outcome> {
    for (const step of this.plan.steps) {
      for (const child of step.group?.steps ?? [step]) {
        const mark = this.deps.resume?.steps.get(child.id);
        if (mark?.state !== 'succeeded' && mark?.state !== 'in-flight') continue;
        const result = await restoreStep(child, mark, this.deps, this.emit, this.lookup(child.item, true));
        if (result.kind === 'done') this.complete(result.completed);
      }
    }
    const end = await this.endBy('rollback', 'the interrupted session');
    return end === 'next' ? outcomeOf({ kind: 'succeeded' }) : end.end;
  }

  /** Runs the step (or group) once; returns the error text when it failed. */
  private async execute(step: PlannedStep): Promise<string | undefined> {
    if (!step.group) {
      const result = await runActionStep(step, this.deps, this.emit, this.lookup(step.item));
      if (!result.ok) return result.error;
      this.complete(result.completed);
      return undefined;
    }
    const started = this.deps.ports.clock.now();
    const done = this.groupDone.get(step.id) ?? new Set<string>();
    this.groupDone.set(step.id, done);
    this.emit({ type: 'step-started', stepId: step.id, attempt: 1 });
    const result = await runGroup(step, this.deps, this.emit, this.lookup, done, (child) =>
      this.lostReason(child),
    );
    result.completed.forEach((c) => this.complete(c));
    const durationMs = this.deps.ports.clock.now() - started;
    if (result.failures.length === 0) {
      this.outputs.set(step.id, {});
      this.emit({ type: 'step-succeeded', stepId: step.id, outputs: {}, durationMs });
      return undefined;
    }
    const error = `${result.failures.length} of ${step.group.steps.length} failed: ${result.failures.map((f) => `${f.id}: ${f.error}`).join('; ')}`;
    this.emit({ type: 'step-failed', stepId: step.id, error, attempt: 1, willRetry: false, durationMs });
    return error;
  }

  private readonly groupDone = new Map<string, Set<string>>();

  private complete(completed: CompletedStep): void {
    this.outputs.set(completed.step.id, completed.outputs);
    this.completed.push(completed);
  }

  private skip(step: PlannedStep, reason: string): void {
    this.skipped.add(step.id);
    this.emit({ type: 'step-skipped', stepId: step.id, reason });
  }

  /** Asks for approval, racing the operator's answer against Ctrl+C. */
  private async approve(step: PlannedStep): Promise<Decision> {
    const ponr = (step.group?.steps ?? [step]).some(
      (s) => this.deps.actions.get(s.action ?? '')?.class === 'point-of-no-return',
    );
    const description = `${ponr ? '⚠ point of no return: this cannot be undone; after it, a rollback means rotating again\n' : ''}${describeStep(step, this.deps.actions, this.lookup)}`;
    const confirmEnvironment =
      step.changes && !this.environmentConfirmed ? this.plan.protectedEnvironment : undefined;
    this.emit({ type: 'step-awaiting-approval', stepId: step.id, description });
    const decision = await this.ask({ kind: 'approve', step, description, confirmEnvironment });
    if (decision === 'approve' && step.changes) this.environmentConfirmed = true;
    return decision;
  }

  /** Why the session ended at an approval nobody confirmed (see accept), if it did. */
  private unconfirmed?: string;

  /** The decision the engine acts on (see acceptAnswer); a refusal is logged on its step. */
  private accept(request: DecisionRequest, answer: Answer): Decision {
    const { decision, refused } = acceptAnswer(request, answer);
    if (refused && request.step) {
      this.unconfirmed = refused;
      this.emit({
        type: 'step-log',
        stepId: request.step.id,
        line: `approval refused: environment ${this.plan.protectedEnvironment} is protected and its name was not given`,
      });
    }
    return decision;
  }

  private async ask(request: DecisionRequest): Promise<Decision> {
    const interrupts = this.deps.interrupts;
    const answer = this.deps.decide(request);
    if (!interrupts) return this.record(request, this.accept(request, await answer));
    const winner = await Promise.race([answer.then((d) => ({ d })), interrupts.next().then(() => undefined)]);
    if (winner) return this.record(request, this.accept(request, winner.d));
    const onInterrupt = await this.interrupt(request.step);
    // "continue" after Ctrl+C at a prompt means: ask the same question again.
    if (onInterrupt === 'continue') {
      this.interrupted = false;
      return this.ask(request);
    }
    return onInterrupt;
  }

  private record(request: DecisionRequest, decision: Decision): Decision {
    this.emit({ type: 'decision', stepId: request.step?.id, request: request.kind, decision });
    return decision;
  }

  private async interrupt(step?: PlannedStep): Promise<Decision> {
    this.deps.interrupts?.clear();
    this.interrupted = true;
    this.emit({ type: 'interrupt-requested' });
    const decision = await this.deps.decide({ kind: 'interrupt', step });
    return this.record({ kind: 'interrupt', step }, this.accept({ kind: 'interrupt', step }, decision));
  }

  /** Between steps: if Ctrl+C came while a step ran, ask now. */
  private async atSafePoint(step: PlannedStep): Promise<Next> {
    if (!this.deps.interrupts?.requested) return 'next';
    const decision = await this.interrupt(step);
    if (decision === 'continue') {
      this.interrupted = false;
      return 'next';
    }
    return this.endBy(decision === 'rollback' ? 'rollback' : 'abort', 'an interrupt', true);
  }

  private async endBy(decision: Decision, who: string, interruptedHere = false): Promise<Next> {
    const interrupted = interruptedHere || this.interrupted;
    if (decision === 'rollback') {
      const past = await this.pastNoReturn(`rolled back by ${who}`, interrupted);
      if (past) return past;
      const complete = await rollback(
        this.completed,
        `rolled back by ${who}`,
        this.deps,
        this.emit,
        this.afterRollback(),
      );
      return {
        end: outcomeOf({ kind: 'rolled-back', cause: { by: who }, interrupted, undoFailed: !complete }),
      };
    }
    return {
      end: outcomeOf({ kind: 'aborted', by: who, interrupted, changesLeft: this.changedSomething() }),
    };
  }

  /**
   * After a point of no return (the old credential revoked), putting earlier steps back would
   * restore something that no longer works: only the steps after it are undone, and the way
   * forward is to rotate again. Undefined when no such step has completed.
   */
  private async pastNoReturn(reason: string, interrupted = false): Promise<Next | undefined> {
    const at = this.completed.map((c) => c.action.class).lastIndexOf('point-of-no-return');
    if (at < 0) return undefined;
    const step = this.completed[at].step;
    await rollback(
      this.completed.slice(at + 1),
      `${reason} (only the steps after ${step.id}, the point of no return)`,
      this.deps,
      this.emit,
    );
    return { end: outcomeOf({ kind: 'past-no-return', cause: reason, step: step.id, interrupted }) };
  }

  private afterRollback() {
    return { steps: this.plan.afterRollback, lookup: this.lookup() };
  }

  private changedSomething(): boolean {
    return this.completed.some((c) => c.action.changes);
  }

  /** Ends the session after a failure: rolled back, or stopped with the changes left in place. */
  private async onFailure(
    step: PlannedStep,
    error: string,
    choice: 'rollback' | 'stop' | 'ask',
  ): Promise<Next> {
    const failure = `step ${step.id} failed: ${error}`;
    if (choice === 'rollback') {
      const past = await this.pastNoReturn(failure);
      if (past) return past;
      const complete = await rollback(this.completed, failure, this.deps, this.emit, this.afterRollback());
      return {
        end: outcomeOf({
          kind: 'rolled-back',
          cause: { failure },
          interrupted: false,
          undoFailed: !complete,
          uncertainStep: this.uncertain,
        }),
      };
    }
    return {
      end: outcomeOf({
        kind: 'stopped',
        failure,
        changesLeft: this.changedSomething(),
        uncertainStep: this.uncertain,
      }),
    };
  }
}
