// Runs a shipped runbook headless in an in-process sandbox from the BUILT code (dist/), as
// `rotor run <id> --env sandbox --yes` would (the approach of test/support/sandbox-run.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../lib.mjs';

const dist = (p) => import(join(ROOT, 'dist', 'src', p));
const [
  { createActionRegistry },
  { findRunbook, loadCatalog },
  { SANDBOX },
  { createSessionStarter },
  { startSandboxWorld },
  { Secret },
] = await Promise.all([
  dist('actions/index.js'),
  dist('session/catalog.js'),
  dist('session/environments.js'),
  dist('session/start-session.js'),
  dist('sandbox/world.js'),
  dist('engine/secret.js'),
]);

export { Secret, startSandboxWorld };

const approveAll = async (request) => (request.kind === 'approve' ? 'approve' : 'rollback');

const actions = createActionRegistry();
const catalog = loadCatalog(actions);

/** Starts a sandbox world (Vault and Kubernetes emulators, stand-ins) in this process. */
export function startWorld(readinessDelayMs = 20) {
  return startSandboxWorld({ readinessDelayMs });
}

/**
 * Runs `runbookId` with `inputs` against an already started `world` (the caller owns it).
 * Returns the outcome, the events, and the wall time of the session in ms.
 */
export async function runSession(world, runbookId, inputs, { onEvent } = {}) {
  const journalDir = mkdtempSync(join(tmpdir(), 'rotor-bench-journal-'));
  try {
    const start = createSessionStarter({
      actions,
      findRunbook: (ref) => findRunbook(ref, catalog, actions),
      environment: () => SANDBOX,
      connect: async () => ({ ...world, close: async () => undefined }),
      journalDir,
      operator: 'bench@sandbox',
      command: `run ${runbookId} --env sandbox --yes`,
      rotorVersion: 'bench',
      env: {},
    });
    const started = process.hrtime.bigint();
    const handle = await start({ runbookId, environment: 'sandbox', inputs, decide: approveAll });
    const events = [];
    handle.subscribe((e) => {
      events.push(e);
      onEvent?.(e);
    });
    const outcome = await handle.done;
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const failures = events.flatMap((e) =>
      e.type === 'step-failed' || e.type === 'step-undo-failed' ? [`${e.stepId}: ${e.error}`] : [],
    );
    if (outcome.status !== 'succeeded')
      throw new Error(`${runbookId} ended ${outcome.status}: ${failures.join('; ')}`);
    return { outcome, events, ms };
  } finally {
    rmSync(journalDir, { recursive: true, force: true });
  }
}
