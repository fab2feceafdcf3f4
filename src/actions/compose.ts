import type { ActionContext, ActionDefinition, CheckResult, Outputs } from './types.js';

/**
 * Another action as a composite uses it. Composites (`rotate.*`, `kubernetes.force-sync-all`) are
 * one step in the journal made of several actions' effects; they reach those actions only through
 * `compose`, never by calling a definition's hooks themselves, so that:
 * - parameters are validated and defaulted by the used action's own schema, as the engine would;
 * - the optional hooks are total: `check` without one is "cannot-tell", `before` without one is
 *   nothing, and `undo` of an action that has none is a bug named by its id, not a TypeError.
 * The composite stays responsible for order and for putting back what it did (see rotate/common.ts).
 */
export interface Composed<P> {
  readonly id: string;
  /** Validates and defaults raw parameters against the action's schema; throws as a step would. */
  params(raw: Record<string, unknown>): P;
  describe(params: P): string;
  run(params: P, ctx: ActionContext): Promise<Outputs>;
  undo(params: P, outputs: Outputs, ctx: ActionContext): Promise<void>;
  before(params: P, ctx: ActionContext): Promise<Outputs>;
  check(params: P, ctx: ActionContext, before?: Outputs): Promise<CheckResult>;
  /** The action's recover, when it has one (a composite decides what to do without it). */
  readonly recover?: (params: P, recorded: Outputs, ctx: ActionContext) => Promise<Outputs>;
}

/** The one way a composite uses another action; see {@link Composed}. */
export function compose<P>(action: ActionDefinition<P>): Composed<P> {
  return {
    id: action.id,
    params: (raw) => action.params.parse(raw),
    describe: (params) => action.describe(params),
    run: (params, ctx) => action.run(params, ctx),
    async undo(params, outputs, ctx) {
      if (!action.undo) throw new Error(`${action.id} has no undo: a composite cannot put it back`);
      await action.undo(params, outputs, ctx);
    },
    before: async (params, ctx) => (await action.before?.(params, ctx)) ?? {},
    check: (params, ctx, before) =>
      action.check ? action.check(params, ctx, before) : Promise.resolve('cannot-tell'),
    recover: action.recover && ((params, recorded, ctx) => action.recover!(params, recorded, ctx)),
  };
}
