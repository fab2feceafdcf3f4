import { createSessionStarter, type SessionEndHook } from '../session/start-session.js';
import type { StartSession } from '../session/types.js';
import { isBuiltInEnvironment, type RotorContext } from './context.js';
import { rotorVersion } from './version.js';
import { valuesOf } from '../inventory/layers.js';

/**
 * A session starter like RotorContext.starter (call ctx.prepareEnvironment first), with its own end hook: `run --due` records each
 * attempt with its number and keeps the entry for the failure notice.
 */
export function policyStarter(
  ctx: RotorContext,
  command: string,
  options: { rehearse?: boolean; faults?: readonly string[]; allowRealTargets?: boolean },
  onEnded: SessionEndHook,
): StartSession {
  return createSessionStarter({
    actions: ctx.actions,
    findRunbook: (ref) => ctx.findRunbook(ref),
    environment: (name) => ctx.environment(name),
    connect: async (environment) => {
      const { connectEnvironment } = await import('../session/connect.js');
      return connectEnvironment(
        environment,
        isBuiltInEnvironment(environment.name) ? [] : ctx.profiles(),
        ctx.env,
        { faults: options.faults, allowRealTargets: options.allowRealTargets },
      );
    },
    environmentInputs: (environment, loaded) => valuesOf(ctx.environmentInputs(environment, loaded)),
    journalDir: ctx.journalDir,
    keyDir: ctx.keyDir,
    operator: ctx.operator(),
    command,
    rotorVersion: rotorVersion(),
    env: ctx.env,
    rehearse: options.rehearse,
    onEnded,
  });
}
