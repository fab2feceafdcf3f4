// The Vault policy in deploy/vault-policies/ is enough, and nothing is borrowed from elsewhere:
// real rotations run with a token that holds only that policy (no `default`), over HTTP, with
// locks and history in Vault. A token missing one capability fails with the path, the
// capability and the status named, and the secret unchanged.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActionRegistry } from '../src/actions/index.js';
import { createVaultPort, vaultConfigFromEnv } from '../src/adapters/vault.js';
import type { Decider, EngineEvent } from '../src/engine/types.js';
import { UsageError } from '../src/errors.js';
import { configurePolicy } from '../src/index.js';
import { findRunbook, loadCatalog } from '../src/session/catalog.js';
import { LOCAL } from '../src/session/environments.js';
import { createSessionStarter } from '../src/session/start-session.js';
import { startSandboxWorld, type SandboxHandles } from '../src/sandbox/world.js';
import type { World } from '../src/session/world.js';
import { runCli, tempHome } from './support/cli.js';
import { raw } from './support/vault-http.js';
import { valuesOf } from '../src/inventory/layers.js';
import { sandboxLayer } from '../src/sandbox/sandbox-inputs.js';

const approve: Decider = async (r) => (r.kind === 'approve' ? 'approve' : 'rollback');
const fast = { sync_timeout_seconds: '10', rollout_timeout_seconds: '5' };
let world: World & { sandbox: SandboxHandles };
let journalDir: string;

/** The shipped file with the sandbox's names filled in, as an admin would with sed. */
function policyText(role: 'operator' | 'cronjob', edit: (hcl: string) => string = (h) => h): string {
  const file = resolve(import.meta.dirname, `../deploy/vault-policies/rotor-${role}.hcl`);
  return edit(
    readFileSync(file, 'utf8')
      .replaceAll('TEAM_PREFIX', 'harmonyflow')
      .replaceAll('TRANSIT_KEY', 'session-state'),
  );
}

/** Loads a policy over HTTP and makes a token holding only it. */
async function tokenWithOnly(name: string, hcl: string): Promise<string> {
  const { url, rootToken } = world.sandbox.vault;
  const put = await raw(url, 'PUT', `sys/policies/acl/${name}`, { token: rootToken, body: { policy: hcl } });
  expect(put.status, put.text).toBe(204);
  const created = await raw(url, 'POST', 'auth/token/create', {
    token: rootToken,
    body: { policies: [name], no_default_policy: true, ttl: '1h' },
  });
  expect(created.status, created.text).toBe(200);
  expect(created.body.auth.policies).toEqual([name]);
  return created.body.auth.client_token as string;
}

/** Runs a shipped runbook as `--env local` would, with this token as the only Vault credential. */
async function rotateWith(token: string, runbookId: string, inputs: Record<string, string> = fast) {
  const vault = await createVaultPort(
    vaultConfigFromEnv({ VAULT_ADDR: world.sandbox.vault.url, VAULT_TOKEN: token }, homedir(), {
      renewToken: false,
    }),
  );
  const actions = createActionRegistry();
  const catalog = loadCatalog(actions);
  const warnings: string[] = [];
  const stderr = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string) => (
    warnings.push(String(chunk)),
    true
  )) as typeof process.stderr.write;
  try {
    const start = createSessionStarter({
      actions,
      findRunbook: (ref) => findRunbook(ref, catalog, actions),
      environment: () => LOCAL,
      // The sandbox world stands in for a real environment: its own addresses fill the inputs.
      environmentInputs: (_environment, loaded) => valuesOf(sandboxLayer(loaded.runbook)),
      connect: async () => ({ ...world, ports: { ...world.ports, vault }, close: async () => undefined }),
      journalDir,
      keyDir: join(journalDir, 'keys'),
      operator: 'ops@host',
      command: `run ${runbookId} --env local --yes`,
      rotorVersion: 'test',
      env: {},
    });
    const handle = await start({
      runbookId,
      environment: 'local',
      inputs,
      decide: approve,
    });
    const events: EngineEvent[] = [];
    handle.subscribe((e) => events.push(e));
    const outcome = await handle.done;
    const failures = events.flatMap((e) => (e.type === 'step-failed' ? [`${e.stepId}: ${e.error}`] : []));
    return { outcome, failures, warnings };
  } finally {
    process.stderr.write = stderr;
    vault.close();
  }
}

const historyOf = (path: string) => world.sandbox.vault.kvRead(`rotor/history/${path}`);

beforeAll(async () => {
  world = await startSandboxWorld({ readinessDelayMs: 20 });
  journalDir = mkdtempSync(join(tmpdir(), 'rotor-vault-policy-'));
});
afterAll(async () => {
  await world?.close();
  rmSync(journalDir, { recursive: true, force: true });
});

describe('rotations with a token holding only rotor-operator.hcl', () => {
  let token: string;
  beforeAll(async () => {
    token = await tokenWithOnly('rotor-operator', policyText('operator'));
  });

  it.each([
    ['generic', 'harmonyflow/iot-api-key'],
    ['api-key', 'harmonyflow/session-state-service'],
    ['jwt', 'harmonyflow/session-state-service'],
    ['redis', 'harmonyflow/redis'],
    ['postgres-dynamic', 'harmonyflow/postgresql'],
    ['certificate', 'harmonyflow/tls'],
  ])('%s succeeds, with its lock and history in Vault', async (runbookId, secretPath) => {
    const before = world.sandbox.vault.kvRead(secretPath)!.version;
    const run = await rotateWith(token, runbookId);
    expect({ outcome: run.outcome, failures: run.failures, warnings: run.warnings }).toEqual({
      outcome: { status: 'succeeded', exitCode: 0 },
      failures: [],
      warnings: [],
    });
    expect(world.sandbox.vault.kvRead(secretPath)!.version).toBeGreaterThan(before);
    expect(historyOf(secretPath), `no history for ${secretPath}`).toBeDefined();
    expect(world.sandbox.vault.kvRead(`rotor/locks/${secretPath}`)!.data.released).toBe('true');
  });

  it('encryption-key rotates the transit key', async () => {
    const key = async () =>
      (await world.sandbox.vault.call('GET', 'transit/keys/session-state')).body as {
        data: { latest_version: number };
      };
    const before = (await key()).data.latest_version;
    const run = await rotateWith(token, 'encryption-key', {});
    expect({ outcome: run.outcome, failures: run.failures }).toEqual({
      outcome: { status: 'succeeded', exitCode: 0 },
      failures: [],
    });
    expect((await key()).data.latest_version).toBe(before + 1);
  });

  it('lets an operator write a rotation policy; the CronJob policy only reads them', async () => {
    const cron = await tokenWithOnly('rotor-cronjob', policyText('cronjob'));
    const env = (t: string) => ({
      ...process.env,
      ROTOR_HOME: journalDir,
      VAULT_ADDR: world.sandbox.vault.url,
      VAULT_TOKEN: t,
    });
    const policy = {
      secret_path: 'harmonyflow/iot-api-key',
      rotation_type: 'scheduled' as const,
      rotation_period_days: 90,
      runbook: 'generic',
    };
    await expect(configurePolicy(policy, { environment: 'local', env: env(token) })).resolves.toMatchObject({
      secret_path: 'harmonyflow/iot-api-key',
    });
    await expect(configurePolicy(policy, { environment: 'local', env: env(cron) })).rejects.toThrow(
      /permission denied while writing secret\/rotor\/policies\/0\d: the token lacks the "create" or "update" capability on secret\/data\/rotor\/policies\/0\d \(403\) \(the token has read there\)/,
    );
    // Rotating stays open to it.
    const run = await rotateWith(cron, 'generic');
    expect({ outcome: run.outcome, failures: run.failures }).toEqual({
      outcome: { status: 'succeeded', exitCode: 0 },
      failures: [],
    });
  });
});

describe('a token missing one capability', () => {
  const without = (name: string, from: string, to: string) =>
    tokenWithOnly(
      name,
      policyText('operator', (hcl) => hcl.replace(from, to)),
    );

  it('is refused before the lock and the first step, naming the capability, the path and the step', async () => {
    const token = await without(
      'rotor-operator-no-patch',
      '["create", "read", "update", "patch"]',
      '["create", "read", "update"]',
    );
    const before = world.sandbox.vault.kvRead('harmonyflow/iot-api-key')!;
    const lockBefore = world.sandbox.vault.kvRead('rotor/locks/harmonyflow/iot-api-key')?.version;
    const run = rotateWith(token, 'generic');
    await expect(run).rejects.toBeInstanceOf(UsageError);
    await expect(run).rejects.toThrow(
      'the Vault token may not do what generic needs, so nothing was started: it lacks "patch" on secret/data/harmonyflow/iot-api-key (step rotate)',
    );
    const after = world.sandbox.vault.kvRead('harmonyflow/iot-api-key')!;
    expect(after.version).toBe(before.version);
    expect(after.data).toEqual(before.data);
    expect(world.sandbox.vault.kvRead('rotor/locks/harmonyflow/iot-api-key')?.version).toBe(lockBefore);
  });

  it('exits 2 from the CLI with the refusal on stderr, nothing changed', async () => {
    const token = await without(
      'rotor-operator-no-patch-cli',
      '["create", "read", "update", "patch"]',
      '["create", "read", "update"]',
    );
    const before = world.sandbox.vault.kvRead('harmonyflow/iot-api-key')!.version;
    const { home, cleanup } = tempHome();
    try {
      const r = await runCli(['run', 'generic', '--env', 'local', '--yes'], {
        ROTOR_HOME: home,
        VAULT_ADDR: world.sandbox.vault.url,
        VAULT_TOKEN: token,
        KUBECONFIG: '',
      });
      expect({ code: r.code, stdout: r.stdout }, r.stderr).toEqual({ code: 2, stdout: '' });
      expect(r.stderr).toContain(
        'rotor: the Vault token may not do what generic needs, so nothing was started: it lacks "patch" on secret/data/harmonyflow/iot-api-key (step rotate)\n  → add them to its policy (deploy/vault-policies/rotor-operator.hcl has all rotor needs)',
      );
    } finally {
      cleanup();
    }
    expect(world.sandbox.vault.kvRead('harmonyflow/iot-api-key')!.version).toBe(before);
  });

  it('refuses a staged rotation whose last step would fail, before the target changes', async () => {
    // Without delete on metadata, promoting the staged password would change Redis and Vault and
    // then stop at removing harmonyflow/redis.pending.
    const token = await without(
      'rotor-operator-no-delete',
      '["read", "update", "delete"]',
      '["read", "update"]',
    );
    const before = world.sandbox.vault.kvRead('harmonyflow/redis')!;
    await expect(rotateWith(token, 'redis')).rejects.toThrow(
      'it lacks "delete" on secret/metadata/harmonyflow/redis.pending (step promote)',
    );
    expect(world.sandbox.vault.kvRead('harmonyflow/redis')!.version).toBe(before.version);
    expect(world.sandbox.vault.kvRead('harmonyflow/redis.pending')).toBeNull();
  });

  it('still names path, capability and 403 at the step when Vault will not say beforehand', async () => {
    // Without sys/capabilities-self the token cannot be asked: the refused call names itself.
    const token = await tokenWithOnly(
      'rotor-operator-no-patch-no-ask',
      policyText('operator', (hcl) =>
        hcl
          .replace('["create", "read", "update", "patch"]', '["create", "read", "update"]')
          .replace('path "sys/capabilities-self"', 'path "sys/capabilities-self-not-granted"'),
      ),
    );
    const before = world.sandbox.vault.kvRead('harmonyflow/iot-api-key')!;
    const run = await rotateWith(token, 'generic');
    expect(run.outcome).toMatchObject({ status: 'rolled-back', exitCode: 1 });
    expect(run.failures).toEqual([
      expect.stringContaining(
        'permission denied while patching secret/harmonyflow/iot-api-key: the token lacks the "patch" capability on secret/data/harmonyflow/iot-api-key (403)',
      ),
    ]);
    expect(world.sandbox.vault.kvRead('harmonyflow/iot-api-key')!.version).toBe(before.version);
  });
});
