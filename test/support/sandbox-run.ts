import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createActionRegistry } from '../../src/actions/index.js';
import type { Decider, EngineEvent, Outcome } from '../../src/engine/types.js';
import type { GivenInputs } from '../../src/runbook/inputs.js';
import { findRunbook, loadCatalog } from '../../src/session/catalog.js';
import { SANDBOX } from '../../src/session/environments.js';
import { createSessionStarter } from '../../src/session/start-session.js';
import { startSandboxWorld, type SandboxHandles } from '../../src/sandbox/world.js';
import type { GuideSecrets } from '../../src/sandbox/guide-secrets.js';
import type { World } from '../../src/session/world.js';

/** A finished sandbox run, with the world still up so a test can check the end state. */
export interface SandboxRun {
  outcome: Outcome;
  events: EngineEvent[];
  world: World & { sandbox: SandboxHandles };
  journal: string;
  sessionId: string;
  /** The session's journal folder and key folder; removed by close(). */
  journalDir: string;
  keyDir: string;
  /** Lines of the plain log, for messages. */
  failures: string[];
  close(): Promise<void>;
}

const approveAll: Decider = async (request) => (request.kind === 'approve' ? 'approve' : 'rollback');

/**
 * Runs a shipped runbook headless in a fresh sandbox, in this process, as `rotor run <id>
 * --env sandbox --yes` would, but keeps the emulators and stand-ins running afterwards.
 * `prepare` runs once the world is up and before the session starts (inject faults there).
 */
export async function runInSandbox(
  runbookId: string,
  options: {
    inputs?: GivenInputs;
    decide?: Decider;
    prepare?: (world: World & { sandbox: SandboxHandles }) => void | Promise<void>;
    onEvent?: (event: EngineEvent, world: World & { sandbox: SandboxHandles }) => void;
    readinessDelayMs?: number;
    secrets?: GuideSecrets;
    /** As --allow-real-targets: the test names a real server on purpose. */
    allowRealTargets?: boolean;
  } = {},
): Promise<SandboxRun> {
  const actions = createActionRegistry();
  const catalog = loadCatalog(actions);
  const journalDir = mkdtempSync(join(tmpdir(), 'rotor-sandbox-run-'));
  const world = await startSandboxWorld({
    readinessDelayMs: options.readinessDelayMs ?? 20,
    secrets: options.secrets,
    allowRealTargets: options.allowRealTargets,
  });
  await options.prepare?.(world);
  const start = createSessionStarter({
    actions,
    findRunbook: (ref) => findRunbook(ref, catalog, actions),
    environment: () => SANDBOX,
    // The harness owns the world: the session must not close it before the test has looked.
    connect: async () => ({ ...world, close: async () => undefined }),
    journalDir,
    keyDir: join(journalDir, 'keys'),
    operator: 'test@sandbox',
    command: `run ${runbookId} --env sandbox --yes`,
    rotorVersion: 'test',
    env: {},
  });
  let handle;
  try {
    handle = await start({
      runbookId,
      environment: 'sandbox',
      inputs: options.inputs ?? {},
      decide: options.decide ?? approveAll,
    });
  } catch (error) {
    // Refused before the first step: nothing to look at, so nothing left running.
    await world.close();
    rmSync(journalDir, { recursive: true, force: true });
    throw error;
  }
  const events: EngineEvent[] = [];
  handle.subscribe((e) => {
    events.push(e);
    options.onEvent?.(e, world);
  });
  const outcome = await handle.done;
  const failures = events.flatMap((e) =>
    e.type === 'step-failed' || e.type === 'step-undo-failed' ? [`${e.stepId}: ${e.error}`] : [],
  );
  return {
    outcome,
    events,
    world,
    journal: readFileSync(handle.journalPath, 'utf8'),
    sessionId: handle.sessionId,
    journalDir,
    keyDir: join(journalDir, 'keys'),
    failures,
    close: async () => {
      await world.close();
      rmSync(journalDir, { recursive: true, force: true });
    },
  };
}

/** The ids of steps that succeeded, in order. */
export function succeeded(events: EngineEvent[]): string[] {
  return events.flatMap((e) => (e.type === 'step-succeeded' ? [e.stepId] : []));
}
