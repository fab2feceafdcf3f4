import { afterEach, describe, expect, it, vi } from 'vitest';
import { createActionRegistry } from '../src/actions/index.js';
import type { PolicyRow } from '../src/policy/policy-rows.js';
import { findRunbook, loadCatalog, runbookInfo } from '../src/session/catalog.js';
import type { EnvironmentInfo, StartRequest, StartSession } from '../src/session/types.js';
import { App } from '../src/ui/app.js';
import type { PolicyRun } from '../src/ui/app-flow.js';
import { PoliciesScreen } from '../src/ui/policies-screen.js';
import { keys, renderTui, settle, waitForFrame, type Rendered } from './support/ui-render.js';

const actions = createActionRegistry();
const apiKey = runbookInfo(findRunbook('api-key', loadCatalog(actions), actions));
const sandbox: EnvironmentInfo = { name: 'sandbox', protected: false, sandbox: true };

let screen: Rendered | undefined;
afterEach(() => {
  screen?.unmount();
  screen = undefined;
});

function recordingStart(): { start: StartSession; requests: StartRequest[] } {
  const requests: StartRequest[] = [];
  return { requests, start: async (r) => (requests.push(r), new Promise(() => undefined)) };
}

/** A policy's run as `rotor policy browse` hands it to the TUI: the policy's inputs, and a save. */
function policyRun(saved: Array<Record<string, string>>, fail?: string): PolicyRun {
  return {
    secretPath: 'harmonyflow/session-state-service',
    fixed: { secret_path: "secret_path is the policy's own secret (harmonyflow/session-state-service)." },
    save: async (inputs) => {
      if (fail) throw new Error(fail);
      saved.push(inputs);
    },
  };
}

function openRun(run: PolicyRun) {
  const { start, requests } = recordingStart();
  screen = renderTui(
    <App
      runbooks={[apiKey]}
      environments={[sandbox]}
      start={start}
      initial={{
        environment: 'sandbox',
        runbookId: 'api-key',
        inputs: { secret_path: 'harmonyflow/session-state-service', sync_timeout_seconds: '50' },
        sources: { secret_path: 'policy', sync_timeout_seconds: 'policy' },
        policy: run,
      }}
      onExit={() => undefined}
    />,
  );
  return { screen, requests };
}

/** Edits sync_timeout_seconds (a policy input) to `value` on the review screen. */
async function editGrace(s: Rendered, value: string) {
  const index = apiKey.inputs.findIndex((i) => i.name === 'sync_timeout_seconds');
  for (let i = 0; i < index; i++) s.stdin.write(keys.down);
  await waitForFrame(s.lastFrame, (f) => /› {3}sync_timeout_seconds/.test(f));
  s.stdin.write(keys.enter);
  await waitForFrame(s.lastFrame, 'sync_timeout_seconds: 50▌');
  s.stdin.write('\u0015');
  s.stdin.write(value);
  s.stdin.write(keys.enter);
  await waitForFrame(s.lastFrame, (f) => new RegExp(`sync_timeout_seconds +${value} +typed`).test(f));
}

async function tickChecklist(s: Rendered, items: number) {
  await waitForFrame(s.lastFrame, 'Before you start');
  for (let i = 0; i < items; i++) {
    s.stdin.write(' ');
    await settle(20);
  }
  await waitForFrame(s.lastFrame, 'All checked');
  s.stdin.write(keys.enter);
}

describe("a policy's run from the policies screen", () => {
  it('r on a policy asks to run it now', async () => {
    const onRun = vi.fn();
    const row: PolicyRow = {
      secret_path: 'harmonyflow/session-state-service',
      schedule: 'every 30 days',
      is_active: true,
      due: true,
      scheduled: true,
      reason: 'due',
      runbook: 'api-key',
    };
    screen = renderTui(
      <PoliciesScreen
        environment="sandbox"
        rows={[row]}
        now={new Date()}
        loadHistory={async () => []}
        onRun={onRun}
      />,
    );
    const frame = await waitForFrame(screen.lastFrame, 'r run now');
    expect(frame).toContain('› harmonyflow/session-state-service');
    screen.stdin.write('r');
    await vi.waitFor(() => expect(onRun).toHaveBeenCalledWith('harmonyflow/session-state-service'));
  });

  it("shows the policy's inputs as such, keeps its own secret path fixed, and an edit is for this run only", async () => {
    const saved: Array<Record<string, string>> = [];
    const { screen, requests } = openRun(policyRun(saved));
    let frame = await waitForFrame(screen.lastFrame, 'Inputs for');
    expect(frame).toMatch(/secret_path +harmonyflow\/session-state-service +policy/);
    expect(frame).toMatch(/sync_timeout_seconds +50 +policy/);
    expect(frame).toContain('a accept for this run · s accept + save to policy · Esc back');
    screen.stdin.write(keys.enter); // the cursor starts on secret_path
    frame = await waitForFrame(screen.lastFrame, "secret_path is the policy's own secret");
    expect(frame).not.toContain('secret_path: harmonyflow/session-state-service▌');
    await editGrace(screen, '9');
    screen.stdin.write('a');
    await tickChecklist(screen, apiKey.checklist.length);
    await vi.waitFor(() => expect(requests).toHaveLength(1));
    expect(requests[0].inputs.sync_timeout_seconds).toBe('9');
    expect(saved).toEqual([]);
  });

  it('s keeps the edits in the policy too, once the run starts', async () => {
    const saved: Array<Record<string, string>> = [];
    const { screen, requests } = openRun(policyRun(saved));
    await waitForFrame(screen.lastFrame, 'Inputs for');
    await editGrace(screen, '12');
    screen.stdin.write('s');
    await tickChecklist(screen, apiKey.checklist.length);
    await vi.waitFor(() => expect(requests).toHaveLength(1));
    expect(saved).toEqual([{ sync_timeout_seconds: '12' }]);
    expect(requests[0].inputs.sync_timeout_seconds).toBe('12');
  });

  it('a save that fails stops before the run, saying why', async () => {
    const { screen, requests } = openRun(policyRun([], 'Vault answered 403 on secret/data/rotor/policies/3'));
    await waitForFrame(screen.lastFrame, 'Inputs for');
    await editGrace(screen, '12');
    screen.stdin.write('s');
    await tickChecklist(screen, apiKey.checklist.length);
    const frame = await waitForFrame(screen.lastFrame, 'The session did not start');
    expect(frame).toContain('Vault answered 403');
    expect(frame).toContain('Nothing was changed.');
    expect(requests).toHaveLength(0);
  });
});
