// One list of what a session rotates: for every shipped runbook, the locks a session takes and
// the history it records name the same secrets, and that list covers every KV secret the
// runbook's steps write (before, history read only a secret_path input, so emergency's six
// locked secrets got no history at all).
import { describe, expect, it } from 'vitest';
import { valuesOf } from '../src/inventory/layers.js';
import type { GivenInputs } from '../src/runbook/inputs.js';
import { SANDBOX_INVENTORY, sandboxLayer } from '../src/sandbox/sandbox-inputs.js';
import { createActionRegistry } from '../src/actions/index.js';
import { buildPlan, summarizePlan } from '../src/engine/plan.js';
import { reveal } from '../src/engine/secret.js';
import type { EngineEvent, Plan } from '../src/engine/types.js';
import { historyEntriesOf } from '../src/policy/session-history.js';
import { resolveInputs } from '../src/runbook/inputs.js';
import { resolveDeep, type Lookup } from '../src/runbook/template.js';
import { loadCatalog } from '../src/session/catalog.js';
import { lockedPaths } from '../src/session/lock-session.js';
import { endedSession } from '../src/session/start-session.js';

const actions = createActionRegistry();
const catalog = loadCatalog(actions);

/** Stand-in values for the sandbox variables the runbooks' defaults read. */
function fakeEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  const templates = [
    ...[...catalog.values()].flatMap((l) =>
      Object.values(l.runbook.inputs).map((i) => String(i.default ?? '')),
    ),
    ...Object.values(SANDBOX_INVENTORY.inputs),
    ...Object.values(SANDBOX_INVENTORY.runbooks).flatMap((r) => Object.values(r)),
  ];
  for (const template of templates)
    for (const [, name] of template.matchAll(/\{\{\s*env\.([A-Z0-9_]+)\s*\}\}/g))
      env[name] = /PG/.test(name)
        ? 'postgres://127.0.0.1:1/db'
        : /AMQP/.test(name)
          ? 'amqp://127.0.0.1:1'
          : /URL|API/.test(name)
            ? 'http://127.0.0.1:1'
            : /NODES/.test(name)
              ? '127.0.0.1:1'
              : 'stand-in';
  return env;
}

function planOf(id: string): Plan {
  const loaded = catalog.get(id)!;
  const env = fakeEnv();
  // What the sandbox's own inventory gives (its stand-ins' addresses), then a plain value for the rest.
  const given: GivenInputs = { ...valuesOf(sandboxLayer(loaded.runbook)) };
  for (const [name, input] of Object.entries(loaded.runbook.inputs))
    if (input.default === undefined && !(name in given))
      given[name] = name.endsWith('path') ? `harmonyflow/${id}` : '/bin/true';
  const inputs = resolveInputs(loaded.runbook, given, env, { sandbox: true });
  return buildPlan(loaded.runbook, {
    file: loaded.file,
    runbookHash: loaded.hash,
    environment: 'sandbox',
    inputs,
    env,
    actions,
    drill: true,
  });
}

/** What history records for a session of the plan that changed something and succeeded. */
function historyPaths(plan: Plan): string[] {
  const changing = plan.steps.find((s) => s.changes);
  const seen: EngineEvent[] = [
    { type: 'session-started', plan: summarizePlan(plan), at: 1 },
    ...(changing
      ? [{ type: 'step-succeeded' as const, stepId: changing.id, outputs: {}, durationMs: 1, at: 2 }]
      : []),
    { type: 'session-ended', outcome: { status: 'succeeded', exitCode: 0 }, at: 3 } as EngineEvent,
  ];
  const session = endedSession('s-1', plan, 'op', seen, { status: 'succeeded', exitCode: 0 } as never);
  return historyEntriesOf(session).map((e) => e.secret_path);
}

/** Every KV path a step of the plan writes, where inputs and loop items say it before the run. */
function writtenPaths(plan: Plan): string[] {
  const out = new Set<string>();
  const steps = plan.steps.flatMap((s) => s.group?.steps ?? [s]);
  for (const step of steps) {
    const name = step.action ?? '';
    if (!actions.get(name)?.changes || !(name.startsWith('vault.kv-') || name.startsWith('rotate.')))
      continue;
    const lookup: Lookup = (ref) => {
      if (ref.root === 'inputs') return plan.inputs[ref.path[0]];
      if (ref.root === 'item') return step.item;
      throw new Error('known only during the run');
    };
    if (step.with.path === undefined) continue;
    try {
      out.add(reveal(resolveDeep(step.with.path, lookup)));
    } catch {
      // A path made from a step's output: not known before the run.
    }
  }
  return [...out].sort();
}

describe.each([...catalog.keys()].sort())('shipped runbook %s', (id) => {
  it('locks and records the same secrets, covering every KV secret it writes', () => {
    const plan = planOf(id);
    const changes = plan.steps.some((s) => s.changes);
    const locks = changes ? lockedPaths(plan).map((p) => p.path) : [];
    expect(historyPaths(plan)).toEqual(locks);
    const written = writtenPaths(plan);
    for (const path of written) expect(locks, `${id} writes ${path}`).toContain(path);
    // Both ways: a runbook that writes no KV secret locks and records none.
    expect(written.length > 0, `${id} writes ${written.join(', ') || 'no KV secret'}`).toBe(locks.length > 0);
  });
});

it('emergency locks and records every path of its list', () => {
  const plan = planOf('emergency');
  const paths = reveal(plan.inputs.secret_paths).split(',').sort();
  expect(paths).toHaveLength(6);
  expect(lockedPaths(plan).map((p) => p.path)).toEqual(paths);
  expect(historyPaths(plan)).toEqual(paths);
});
