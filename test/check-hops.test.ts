import { homedir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveKubeConfig } from '../src/adapters/kubernetes-config.js';
import { createVaultPort, vaultConfigFromEnv } from '../src/adapters/vault.js';
import { runDigest } from '../src/check/digest.js';
import { exitCodeOf } from '../src/check/row-state.js';
import { runChecks, type CheckOptions } from '../src/check/run-checks.js';
import type { CheckRow } from '../src/check/types.js';
import { sourcesOver } from '../src/commands/check-sources.js';
import { DRIFT, DRIFT_NAMESPACE } from '../src/sandbox/drift.js';
import { startSandboxWorld } from '../src/sandbox/world.js';

type World = Awaited<ReturnType<typeof startSandboxWorld>>;
let world: World;
const digest = runDigest();

beforeAll(async () => {
  world = await startSandboxWorld({ drift: true, readinessDelayMs: 30 });
}, 60_000);
afterAll(() => world?.close());

const kubeOf = (w: World) =>
  resolveKubeConfig({ kubeconfig: w.sandbox.kube.kubeconfigPath, context: w.sandbox.kube.context });

async function check(options: Partial<CheckOptions> = {}, vault = world.ports.vault!, kube = kubeOf(world)) {
  const rows = await runChecks(sourcesOver(vault, kube, digest, {}), {
    digest,
    environment: 'sandbox',
    ...options,
  });
  return { rows, row: (path: string) => rows.find((r) => r.secret_path === path)! };
}

const brief = (r: CheckRow) =>
  `${r.secret_path} ${r.state} ${r.broken ?? '-'}: ${r.broken ? r.hops[r.broken].detail : ''}`;

describe('rotor check against the sandbox emulators', () => {
  it('finds the seeded drift: a lagging Secret, pods older than their Secret, a secret overdue by its Vault age', async () => {
    const { rows, row } = await check();
    const lagging = row(DRIFT.lagging);
    expect(lagging.state, brief(lagging)).toBe('drift');
    expect(lagging.broken).toBe('secret');
    expect(lagging.hops.secret.detail).toContain(
      `Secret ${DRIFT_NAMESPACE}/iot-telemetry differs from Vault v2`,
    );
    expect(lagging.repair?.command).toBe(
      'rotor run propagate --env sandbox --set namespace=harmonyflow-iot --set external_secret=iot-telemetry --set kind=Deployment --set workload=iot-ingest',
    );
    const stale = row(DRIFT.stalePods);
    expect(stale.state, brief(stale)).toBe('drift');
    expect(stale.broken).toBe('pods');
    expect(stale.hops.secret.state).toBe('ok');
    expect(stale.hops.pods.facts).toMatchObject({ current: 0, total: 1, changed_from: 'refreshTime' });
    expect(stale.consumers).toEqual([`${DRIFT_NAMESPACE}/Deployment/iot-dashboard`]);
    expect(stale.repair?.runbook).toBe('propagate');
    expect(stale.repair?.inputs).toEqual({
      namespace: DRIFT_NAMESPACE,
      external_secret: 'iot-dashboard',
      kind: 'Deployment',
      workload: 'iot-dashboard',
    });
    const overdue = row(DRIFT.overdue);
    expect(overdue.state, brief(overdue)).toBe('overdue');
    expect(overdue.broken).toBe('vault');
    expect(overdue.overdue_seconds! / 86_400).toBeCloseTo(16, 0);
    expect(overdue.repair?.runbook).toBe('generic');
    expect(overdue.repair?.inputs).toMatchObject({
      secret_path: DRIFT.overdue,
      kubernetes: 'true',
      deployment: 'iot-gateway',
    });
    // Everything else agrees: the guide's application started after its Secrets were synced.
    const others = rows.filter((r) => !Object.values(DRIFT).includes(r.secret_path as never));
    expect(others.map(brief)).toEqual(others.map((r) => `${r.secret_path} agree -: `));
    expect(others.length).toBeGreaterThanOrEqual(6);
    expect(row('harmonyflow/redis').hops.pods.detail).toMatch(/^3\/3 pods started after/);
    expect(exitCodeOf(rows)).toBe(1);
  });

  it('counts a pod that mounts the Secret as a volume current once the kubelet sync period has passed; env readers still need a start', async () => {
    const before = await check({ paths: [DRIFT.stalePods, DRIFT.lagging] });
    expect(before.row(DRIFT.lagging).hops.pods.state).toBe('ok'); // mounted, synced long ago
    world.sandbox.vault.kvWrite(DRIFT.lagging, { 'ingest-token': 'canary-not-shown' });
    // A sync just now: the mounted copy is not yet refreshed for a minute, then is.
    await world.ports.kube!.annotate(
      'ExternalSecret',
      { namespace: DRIFT_NAMESPACE, name: 'iot-telemetry' },
      { 'force-sync': String(Date.now()) },
    );
    let now = await check({ paths: [DRIFT.lagging] });
    for (let i = 0; i < 100 && now.row(DRIFT.lagging).hops.secret.state !== 'ok'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      now = await check({ paths: [DRIFT.lagging] });
    }
    expect(now.row(DRIFT.lagging).hops.secret.state, brief(now.row(DRIFT.lagging))).toBe('ok');
    expect(now.row(DRIFT.lagging).hops.pods.state).toBe('drift');
    const later = await check({ paths: [DRIFT.lagging, DRIFT.stalePods], kubeletSyncMs: 0 });
    expect(later.row(DRIFT.lagging).hops.pods.state).toBe('ok');
    expect(later.row(DRIFT.stalePods).hops.pods.state).toBe('drift'); // environment: only a restart helps
    expect(JSON.stringify(later.rows)).not.toContain('canary-not-shown');
  });

  it('says "unreachable" for an unknown path or one nothing reads or rotates, and goes on', async () => {
    const { rows, row } = await check({ paths: ['harmonyflow/nothing-here', 'harmonyflow/redis'] });
    expect(rows).toHaveLength(2);
    expect(row('harmonyflow/nothing-here').state).toBe('unreachable');
    expect(row('harmonyflow/nothing-here').hops.vault.detail).toContain('not in Vault');
    expect(row('harmonyflow/redis').state).toBe('agree');
    world.sandbox.vault.kvWrite('harmonyflow/orphan', { value: 'x' });
    const orphan = (await check({ paths: ['harmonyflow/orphan'] })).row('harmonyflow/orphan');
    expect(orphan.state).toBe('unreachable');
    expect(orphan.hops.secret.detail).toBe('no policy and no ExternalSecret reads it');
    expect(exitCodeOf([orphan])).toBe(3);
  });

  it('says "forbidden" for a path the token cannot read, and for pods the cluster will not list', async () => {
    const vault = world.sandbox.vault;
    vault.setPolicy(
      'check-some',
      [
        'path "secret/data/harmonyflow/*" { capabilities = ["read"] }',
        'path "secret/data/harmonyflow/redis" { capabilities = ["deny"] }',
        'path "secret/data/rotor/*" { capabilities = ["read"] }',
      ].join('\n'),
    );
    const limited = await createVaultPort(
      vaultConfigFromEnv(
        { VAULT_ADDR: vault.url, VAULT_TOKEN: vault.createToken({ policies: ['check-some'] }) },
        homedir(),
        { renewToken: false },
      ),
    );
    try {
      const { row } = await check({ paths: ['harmonyflow/redis', 'harmonyflow/admin'] }, limited);
      expect(row('harmonyflow/redis').state).toBe('forbidden');
      expect(row('harmonyflow/redis').hops.vault.detail).toContain('secret/harmonyflow/redis (403)');
      expect(row('harmonyflow/admin').state).toBe('agree');
    } finally {
      limited.close();
    }
    const allow = world.sandbox.kube.forbid({
      verb: 'list',
      resource: 'pods',
      namespace: 'harmonyflow-production',
    });
    try {
      const { row } = await check({ paths: ['harmonyflow/redis'] });
      expect(row('harmonyflow/redis').state).toBe('forbidden');
      expect(row('harmonyflow/redis').hops.pods.detail).toContain(
        'listing pods in harmonyflow-production: forbidden (403)',
      );
    } finally {
      allow();
    }
  });

  it('says "unreachable" for every cluster hop when the API server does not answer', async () => {
    const kube = kubeOf(world);
    kube.kc.clusters.forEach((c) => ((c as { server: string }).server = 'https://127.0.0.1:9'));
    const { rows, row } = await check(
      { paths: ['harmonyflow/redis', 'harmonyflow/admin'] },
      world.ports.vault!,
      kube,
    );
    expect(rows.map((r) => r.state)).toEqual(['unreachable', 'unreachable']);
    expect(row('harmonyflow/redis').hops.vault.state).toBe('ok');
    expect(row('harmonyflow/redis').hops.secret.detail).toContain('unreachable');
    expect(exitCodeOf(rows)).toBe(3);
  });
});
