import { recordSession } from '../policy/record-history.js';
import { storeLocationFromEnv } from '../policy/store-layout.js';
import { SANDBOX } from '../session/environments.js';
import { createSessionStarter, type SessionEndHook } from '../session/start-session.js';
import type { StartSession } from '../session/types.js';
import { connectWorld } from './environment.js';
import { processEnvironment } from '../environment.js';
import type { RotorContext } from './rotor-context.js';
import { rotorVersion } from './version.js';
import { valuesOf } from '../inventory/layers.js';

/** How sessions of one command start: a rehearsal, its faults, real targets in a drill. */
export interface StarterOptions {
  rehearse?: boolean;
  faults?: readonly string[];
  allowRealTargets?: boolean;
  /** Default: history recorded where `rotor history` reads it (see sandboxAwareHistory). */
  onEnded?: SessionEndHook;
}

/**
 * The one way the CLI, the TUI and the library start or resume a session (call
 * ctx.prepareEnvironment first): the context's runbooks, environments, journals and key files,
 * and the environment's systems connected as `--env` names them.
 */
export function sessionStarter(
  ctx: RotorContext,
  command: string,
  options: StarterOptions = {},
): StartSession {
  return createSessionStarter({
    actions: ctx.actions,
    findRunbook: (ref) => ctx.findRunbook(ref),
    environment: (name) => ctx.environment(name),
    connect: (environment) =>
      connectWorld({ environment, profiles: ctx.profilesFor(environment) }, ctx.env, {
        faults: options.faults,
        allowRealTargets: options.allowRealTargets,
      }),
    environmentInputs: (environment, loaded) => valuesOf(ctx.environmentInputs(environment, loaded)),
    journalDir: ctx.journalDir,
    keyDir: ctx.keyDir,
    operator: ctx.operator(),
    command,
    rotorVersion: rotorVersion(),
    env: ctx.env,
    rehearse: options.rehearse,
    onEnded: options.onEnded ?? sandboxAwareHistory(ctx.env, ctx.warn),
  });
}

/**
 * History in the world's Vault, except for a rotor process in the sandbox: the sandbox world's
 * Vault starts fresh on every run, so its history goes to the persisted store that
 * `rotor history --env sandbox` reads (src/services/stores.ts). Harnesses that pass their own env
 * keep it in the world.
 */
export function sandboxAwareHistory(
  env: Readonly<Record<string, string | undefined>>,
  warn: (message: string) => void,
): SessionEndHook {
  return async (session, world) => {
    const location = storeLocationFromEnv(env);
    if (session.environment !== SANDBOX.name || env !== processEnvironment()) {
      await recordSession(session, world.ports.vault, { location, warn });
      return;
    }
    try {
      const { connectStores, lightHost } = await import('./stores.js');
      const stores = await connectStores(lightHost(env), SANDBOX.name);
      try {
        await recordSession(session, stores.vault, { location, warn });
      } finally {
        await stores.close();
      }
    } catch (error) {
      warn(`rotation history not recorded for the sandbox: ${(error as Error).message}`);
    }
  };
}
