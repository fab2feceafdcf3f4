import type { ActionContext, ActionDefinition, Outputs } from '../actions/types.js';
import { RotorError, describeError } from '../errors.js';
import { inputRemedy } from '../runbook/input-remedy.js';
import { expressionsIn, parseExpression, resolveDeep, stringsIn, type Lookup } from '../runbook/template.js';
import type { EngineDeps, EventInput } from './engine-deps.js';
import { Secret } from './secret.js';
import type { PlannedStep, StepRequests } from './types.js';

/** A step that ran to success, remembered for undo. */
export interface CompletedStep {
  step: PlannedStep;
  action: ActionDefinition;
  params: unknown;
  outputs: Outputs;
}

export type StepResult = { ok: true; completed: CompletedStep } | { ok: false; error: string };

/** Resolves and validates a step's parameters; errors name the step and the parameter, never a value. */
export function resolveParams(step: PlannedStep, action: ActionDefinition, lookup: Lookup): unknown {
  const resolved = resolveDeep(step.with, lookup);
  const parsed = action.params.safeParse(resolved);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new RotorError(
      `step ${step.id}: parameter "${issue.path.join('.') || '(all)'}": ${issue.message}`,
      {
        hint: 'check the value given to this input or the output of the earlier step',
      },
    );
  }
  return parsed.data;
}

/** The context an action sees; every line it writes is scrubbed before it becomes an event. */
export function actionContext(
  step: PlannedStep,
  deps: EngineDeps,
  emit: (e: EventInput) => void,
  signal: AbortSignal,
): ActionContext {
  return {
    ports: deps.ports,
    signal,
    stepId: step.id,
    rerun: deps.resume?.steps.get(step.id)?.state === 'in-flight',
    log: (line) => emit({ type: 'step-log', stepId: step.id, line: deps.secrets.scrub(line) }),
    progress: (done, total, label) => emit({ type: 'step-progress', stepId: step.id, done, total, label }),
    secret: (value, label) => deps.secrets.add(new Secret(value, label ?? `steps.${step.id}`)),
    fingerprint: (value) => deps.key.fingerprint(value),
    fingerprintOfDigest: (hex) => deps.key.fingerprintOfDigest(hex),
    askSecret: async (prompt) => {
      if (!deps.askSecret) {
        throw new RotorError(
          `step ${step.id} needs "${prompt}" typed by an operator, and this run has no terminal`,
          {
            hint: askSecretRemedy(step, deps),
          },
        );
      }
      return deps.secrets.add(await deps.askSecret(prompt));
    },
  };
}

/** How to give a value an action would ask for: the input its parameter reads, or the TUI. */
function askSecretRemedy(step: PlannedStep, deps: EngineDeps): string {
  const inputs = new Set<string>();
  for (const [text] of stringsIn(step.with))
    for (const source of expressionsIn(text)) {
      const { ref } = parseExpression(source);
      if (ref.root === 'inputs' && ref.path[0]) inputs.add(ref.path[0]);
    }
  const where = deps.where ?? {};
  if (inputs.size === 0 || where.sandbox) return 'type it when asked in the TUI (run without --yes)';
  return [...inputs]
    .map((name) => `give the input ${name}: ${inputRemedy(name, { secret: true }, where)}`)
    .join('; ');
}

/** Runs `work` with a deadline; on expiry the signal aborts and the step fails with the time it had. */
export async function withTimeout<T>(
  timeoutMs: number | undefined,
  what: string,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  if (timeoutMs === undefined) return work(controller.signal);
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(
        new RotorError(`${what} timed out after ${formatMs(timeoutMs)}`, {
          hint: 'look at the live output above for where it stopped; raise `timeout:` if the system is just slow',
        }),
      );
    }, timeoutMs);
  });
  const running = work(controller.signal);
  running.catch(() => undefined); // a late failure after the timeout is already reported
  try {
    return await Promise.race([running, expired]);
  } finally {
    clearTimeout(timer);
  }
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Number((ms / 1000).toFixed(1))}s`;
}

/** One action step with its retries: emits started/failed/succeeded for every attempt. */
export async function runActionStep(
  step: PlannedStep,
  deps: EngineDeps,
  emit: (e: EventInput) => void,
  lookup: Lookup,
  parentId?: string,
): Promise<StepResult> {
  const action = deps.actions.get(step.action ?? '');
  if (!action) return { ok: false, error: `unknown action ${step.action}` };
  for (let attempt = 1; ; attempt++) {
    const started = deps.ports.clock.now();
    const requests: StepRequests = {};
    const counted = <T>(work: () => Promise<T>): Promise<T> =>
      deps.countRequests ? deps.countRequests(requests, work) : work();
    const tally = deps.countRequests ? { requests } : {};
    // Read where the system stands before the change, so a resume after a kill inside the step
    // can tell whether the change happened; a failure to read fails the attempt like the run would.
    let params: unknown;
    let before: Outputs | undefined;
    let early: unknown;
    try {
      params = resolveParams(step, action, lookup);
      if (action.before)
        before = await withTimeout(step.timeoutMs, `step ${step.id}`, (signal) =>
          counted(() => action.before!(params, actionContext(step, deps, emit, signal))),
        );
    } catch (error) {
      early = error;
    }
    emit({ type: 'step-started', stepId: step.id, attempt, parentId, ...(before && { before }) });
    try {
      // The record of the start is on disk before the change it announces begins.
      await deps.durable?.();
      if (early !== undefined) throw early;
      const outputs = await withTimeout(step.timeoutMs, `step ${step.id}`, (signal) =>
        counted(() => action.run(params, actionContext(step, deps, emit, signal))),
      );
      deps.secrets.addFrom(outputs);
      emit({
        type: 'step-succeeded',
        stepId: step.id,
        outputs,
        durationMs: deps.ports.clock.now() - started,
        ...tally,
      });
      return { ok: true, completed: { step, action, params, outputs } };
    } catch (error) {
      const willRetry = attempt <= step.retries;
      const message =
        deps.secrets.scrub(describeError(error)) + (step.hint && !willRetry ? `\n  → ${step.hint}` : '');
      emit({
        type: 'step-failed',
        stepId: step.id,
        error: message,
        attempt,
        willRetry,
        durationMs: deps.ports.clock.now() - started,
        ...tally,
      });
      if (!willRetry) return { ok: false, error: message };
      await deps.ports.clock.sleep(step.retryDelayMs * 2 ** (attempt - 1));
    }
  }
}
