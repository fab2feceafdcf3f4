import type { ActionRegistry } from '../actions/index.js';
import { Interrupts } from '../engine/interrupts.js';
import { buildPlan } from '../engine/plan.js';
import { precheckPlan } from '../engine/precheck.js';
import { runPlan } from '../engine/run-plan.js';
import { SecretRegistry } from '../engine/secret-registry.js';
import type { SessionKey } from '../engine/session-key.js';
import type { EngineEvent, Outcome } from '../engine/types.js';
import { JournalWriter, newSessionId } from '../journal/journal-writer.js';
import { countingRequests } from '../adapters/request-meter.js';
import { createSessionKey, resumeSessionKey } from '../journal/session-key-file.js';
import type { SessionOpened } from '../journal/record.js';
import { resolveInputs, type GivenInputs } from '../runbook/inputs.js';
import { environmentLayer } from '../inventory/environment-layer.js';
import { valuesOf } from '../inventory/layers.js';
import { readVaultInputs } from './vault-inputs.js';
import type { LoadedRunbook } from '../runbook/load.js';
import type { EnvironmentInfo, SessionHandle, StartRequest, StartSession } from './types.js';
import type { World } from './world.js';
import { lockSession } from './lock-session.js';
import { checkVaultAccess } from './vault-preflight.js';
import { checkScripts } from './check-scripts.js';
import { forgetLockNonce, sessionLockNonce } from './lock-nonce.js';
import { checkSameRunbook, readResumeInfo } from './resume-session.js';
import { recordSession } from '../policy/record-history.js';
import type { EndedSession } from '../policy/session-history.js';
import { storeLocationFromEnv } from '../policy/store-layout.js';
import { checkPlanTargets, dialledTexts } from '../sandbox/plan-targets.js';
import { checkClusterTargets } from './through-cluster.js';

/**
 * Called once a session has ended, before its world closes (so the environment's Vault is still
 * connected). Rotation history is written here, by runs and never by hand. A hook that throws
 * does not change the session's outcome.
 */
export type SessionEndHook = (session: EndedSession, world: World) => Promise<void>;

/** What sessions are started from; one set per rotor process. */
export interface SessionFactoryDeps {
  actions: ActionRegistry;
  findRunbook: (ref: string) => LoadedRunbook;
  environment: (name: string) => EnvironmentInfo;
  /**
   * What the environment gives the runbook's inputs (its inventory, the sandbox's own values);
   * below everything the request gives. Default: the sandbox's values in the sandbox, else none.
   */
  environmentInputs?: (environment: EnvironmentInfo, loaded: LoadedRunbook) => GivenInputs;
  connect: (environment: EnvironmentInfo) => Promise<World>;
  journalDir: string;
  /** Where each session's HMAC key file lives: apart from the journals (`<state>/keys`). */
  keyDir: string;
  operator: string;
  command: string;
  rotorVersion: string;
  env: Readonly<Record<string, string | undefined>>;
  /** Marks sessions as drills even outside the sandbox (`--rehearse`). */
  rehearse?: boolean;
  /**
   * Default: append the rotation to its secret's history in the environment's Vault (rotor's own
   * processes pass src/services/session-starter.ts's, which knows where the sandbox keeps it).
   */
  onEnded?: SessionEndHook;
}

/** The default end hook: history in the world's Vault, trouble told on stderr. */
function recordHistoryHook(env: Readonly<Record<string, string | undefined>>): SessionEndHook {
  const warn = (m: string) => process.stderr.write(`rotor: ${m}\n`);
  return async (session, world) => {
    await recordSession(session, world.ports.vault, { location: storeLocationFromEnv(env), warn });
  };
}

/** The facts of an ended session, from its events; secret inputs left out. */
export function endedSession(
  sessionId: string,
  plan: {
    runbookId: string;
    environment: string;
    drill: boolean;
    inputs: Record<string, unknown>;
    rotates: readonly { path: string }[];
  },
  operator: string,
  seen: readonly EngineEvent[],
  outcome: Outcome,
): EndedSession {
  const inputs: EndedSession['inputs'] = {};
  for (const [name, value] of Object.entries(plan.inputs)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      inputs[name] = value;
  }
  const started = seen.find((e) => e.type === 'session-started');
  const changing = new Set(
    started?.type === 'session-started' ? started.plan.steps.filter((s) => s.changes).map((s) => s.id) : [],
  );
  const failed = seen.find((e) => e.type === 'step-failed');
  return {
    sessionId,
    runbookId: plan.runbookId,
    rotates: plan.rotates.map((p) => p.path),
    inputs,
    environment: plan.environment,
    drill: plan.drill,
    operator,
    startedAt: started?.at ?? Date.now(),
    endedAt: [...seen].reverse().find((e) => e.type === 'session-ended')?.at ?? Date.now(),
    outcome,
    firstError: failed?.type === 'step-failed' ? `step ${failed.stepId} failed: ${failed.error}` : undefined,
    changed: seen.some((e) => e.type === 'step-succeeded' && changing.has(e.stepId)),
  };
}

/**
 * Starts sessions: resolves the runbook and inputs (usage errors throw before anything is
 * opened), connects the environment, opens the journal, then runs the engine. Every event goes
 * to the journal first, then to subscribers.
 */
export function createSessionStarter(deps: SessionFactoryDeps): StartSession {
  return async (request: StartRequest): Promise<SessionHandle> => {
    const resume = request.resumeSessionId
      ? readResumeInfo(deps.journalDir, request.resumeSessionId)
      : undefined;
    const loaded = deps.findRunbook(resume?.runbookRef ?? request.runbookId);
    if (resume) checkSameRunbook(loaded, resume, request.resumeSessionId!);
    const environment = deps.environment(resume?.environment ?? request.environment);
    const layer = deps.environmentInputs
      ? deps.environmentInputs(environment, loaded)
      : valuesOf(environmentLayer(environment, loaded.runbook, undefined));
    const given = { ...layer, ...resume?.inputs, ...request.inputs };
    const where = { sandbox: environment.sandbox };
    resolveInputs(loaded.runbook, given, { ...deps.env }, { preview: true, ...where });
    const world = await deps.connect(environment);
    const env = { ...deps.env, ...world.env };
    let plan;
    try {
      // With the operator's own token, before anything is locked or changed.
      const read = await readVaultInputs(given, world.ports.vault);
      const inputs = resolveInputs(loaded.runbook, read, env, where);
      plan = buildPlan(loaded.runbook, {
        file: loaded.file,
        runbookHash: loaded.hash,
        environment: environment.name,
        inputs,
        env,
        actions: deps.actions,
        drill: environment.sandbox || deps.rehearse === true,
        protectedEnvironment: environment.protected ? environment.name : undefined,
      });
      if (request.onFailure) plan = { ...plan, onFailure: request.onFailure };
      // A new session checks every parameter it can before it locks or changes anything. A
      // resumed one has already changed things: refusing it would leave them half done.
      if (!resume) precheckPlan(plan, { runbook: loaded.runbook, actions: deps.actions, env, where });
      // A drill must not reach a real server by accident: judged by address, before anything opens.
      if (world.targets) checkPlanTargets(plan, env, world.ports, world.targets);
      // A k8s:// target whose pod or port is missing, or that may not be forwarded to: exit 2 now.
      if (!resume) await checkClusterTargets(dialledTexts(plan, env), world.clusterRoutes);
      await checkScripts(world, plan, env);
    } catch (error) {
      await world.close();
      throw error;
    }
    const sessionId = request.resumeSessionId ?? newSessionId();
    let unlock: () => Promise<void>;
    try {
      // Before the lock and the journal: a token short of a capability changes nothing.
      await checkVaultAccess(world.ports.vault, plan, env);
      // Before the journal opens: a session that loses the race for a secret changes nothing.
      const nonce = sessionLockNonce(deps.journalDir, sessionId);
      unlock = await lockSession(
        world,
        plan,
        { session: sessionId, operator: deps.operator },
        env,
        nonce,
        deps.actions,
      );
    } catch (error) {
      // A new session that could not start leaves nothing behind; a resumed one keeps its nonce.
      if (!resume) forgetLockNonce(deps.journalDir, sessionId);
      await world.close();
      throw error;
    }
    let key: SessionKey;
    try {
      key = resume ? resumeSessionKey(deps.keyDir, sessionId) : createSessionKey(deps.keyDir, sessionId);
    } catch (error) {
      await unlock();
      await world.close();
      throw error;
    }
    const journal = resume
      ? JournalWriter.reopen(deps.journalDir, sessionId, key)
      : new JournalWriter(deps.journalDir, sessionId, { key });
    const opened: SessionOpened = {
      type: 'session-opened',
      sessionId,
      operator: deps.operator,
      environment: environment.name,
      drill: plan.drill,
      rotorVersion: deps.rotorVersion,
      runbookId: loaded.runbook.id,
      runbookFile: loaded.file,
      runbookHash: loaded.hash,
      command: deps.command,
      ...(world.tls ? { tls: world.tls } : {}),
    };
    journal.record(
      resume
        ? {
            type: 'session-resumed',
            operator: deps.operator,
            rotorVersion: deps.rotorVersion,
            command: deps.command,
            ...(world.tls ? { tls: world.tls } : {}),
          }
        : opened,
    );
    const seen: EngineEvent[] = [];
    const listeners = new Set<(event: EngineEvent) => void>();
    const interrupts = new Interrupts();
    const forward = (event: EngineEvent): void => {
      journal.record(event);
      seen.push(event);
      for (const listener of listeners) listener(event);
    };
    const emit = (event: EngineEvent): void => {
      forward(event);
      // After session-started, so that stays the first event; every reporter shows these.
      if (event.type === 'session-started')
        for (const message of world.warnings ?? [])
          forward({ type: 'session-warning', message, at: event.at });
    };
    const done: Promise<Outcome> = runPlan(plan, {
      actions: deps.actions,
      ports: world.ports,
      decide: request.decide,
      emit,
      durable: () => journal.durable(),
      countRequests: countingRequests,
      secrets: new SecretRegistry(),
      key,
      interrupts,
      env,
      askSecret: request.askSecret,
      where,
      resume: resume?.point,
    })
      .then(async (outcome) => {
        const hook = deps.onEnded ?? recordHistoryHook(deps.env);
        await hook(endedSession(sessionId, plan, deps.operator, seen, outcome), world).catch(() => undefined);
        return outcome;
      })
      .finally(async () => {
        journal.close();
        await unlock();
        forgetLockNonce(deps.journalDir, sessionId);
        await world.close().catch(() => undefined);
      });
    return {
      sessionId,
      journalPath: journal.path,
      subscribe(listener) {
        seen.forEach(listener);
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      interrupt: () => interrupts.request(),
      done,
    };
  };
}
