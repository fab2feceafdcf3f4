import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Secret } from '../src/engine/secret.js';
import type { Decider } from '../src/engine/types.js';
import type { GivenInputs } from '../src/runbook/inputs.js';
import { startSandboxWorld, type SandboxHandles } from '../src/sandbox/world.js';
import type { World } from '../src/session/world.js';
import { killAndResume, killPoints, type KillPoint } from './support/crash.js';

type SandboxWorld = World & { sandbox: SandboxHandles };

/** Per runbook: inputs for a quick run, and what "consistent" means for its secret. */
// Generous: a timeout only matters when something is stuck, and a loaded CI machine is slow.
const fast = { sync_timeout_seconds: '30', rollout_timeout_seconds: '30' };
const vaultValue = (w: SandboxWorld, path: string, field: string) =>
  new Secret(String(w.sandbox.vault.kvRead(path)!.data[field]));

/** A rotation script's target for custom-script: the script writes the password it is given here. */
const scriptDir = mkdtempSync(join(tmpdir(), 'rotor-kill-script-'));
const scriptTarget = join(scriptDir, 'target.json');
const rotationScript = join(scriptDir, 'rotate.sh');
writeFileSync(
  rotationScript,
  `#!/bin/sh\numask 077\ncat > '${scriptTarget}.tmp' && mv '${scriptTarget}.tmp' '${scriptTarget}'\n`,
  { mode: 0o700 },
);
const CUSTOM_PATH = 'harmonyflow/custom-target';
afterAll(() => rmSync(scriptDir, { recursive: true, force: true }));

interface KillCase {
  inputs: GivenInputs;
  consistent: (w: SandboxWorld) => Promise<void>;
  /** Sets the world up before each kill point (and may add inputs, e.g. unseal shares). */
  prepare?: (w: SandboxWorld, inputs: GivenInputs) => void;
}

const CASES: Record<string, KillCase> = {
  'api-key': {
    inputs: fast,
    consistent: async (w) => {
      const key = vaultValue(w, 'harmonyflow/session-state-service', 'api-key').reveal();
      const res = await fetch(`${w.env.ROTOR_SERVICE_URL}/v1/health`, { headers: { 'x-api-key': key } });
      expect(res.status, 'the API key in Vault works on the service').toBe(200);
    },
  },
  postgres: {
    inputs: fast,
    consistent: async (w) => {
      const data = w.sandbox.vault.kvRead('harmonyflow/postgresql')!.data;
      const ok = await w.sandbox.postgres.tryLogin(
        { url: new Secret(w.env.ROTOR_SANDBOX_PG_URL), timeoutMs: 2000 },
        String(data.username),
        new Secret(String(data.password)),
      );
      expect(ok, 'the password in Vault logs in').toBe(true);
    },
  },
  redis: {
    inputs: fast,
    consistent: async (w) => {
      const password = vaultValue(w, 'harmonyflow/redis', 'password');
      for (const node of w.env.ROTOR_SANDBOX_REDIS_NODES.split(',')) {
        expect(
          await w.sandbox.redis.tryAuth(node, { password }),
          `${node} accepts the password in Vault`,
        ).toBe(true);
      }
    },
  },
  emergency: {
    inputs: fast,
    prepare: (w, inputs) => {
      // The admin token the running service accepts now: earlier kill points rotated it.
      inputs.admin_token = new Secret(
        String(w.sandbox.vault.kvRead('harmonyflow/admin')!.data['api-token']),
        'inputs.admin_token',
      );
    },
    consistent: async (w) => {
      const data = w.sandbox.vault.kvRead('harmonyflow/postgresql')!.data;
      expect(
        await w.sandbox.postgres.tryLogin(
          { url: new Secret(w.env.ROTOR_SANDBOX_PG_URL), timeoutMs: 2000 },
          String(data.username),
          new Secret(String(data.password)),
        ),
        'PostgreSQL takes the password in Vault',
      ).toBe(true);
      const redis = vaultValue(w, 'harmonyflow/redis', 'password');
      for (const node of w.env.ROTOR_SANDBOX_REDIS_NODES.split(','))
        expect(
          await w.sandbox.redis.tryAuth(node, { password: redis }),
          `${node} takes the password in Vault`,
        ).toBe(true);
      expect(
        await w.sandbox.rabbit.amqpLogin(
          { url: w.env.ROTOR_SANDBOX_RABBITMQ_AMQP, timeoutMs: 2000 },
          'harmonyflow',
          vaultValue(w, 'harmonyflow/rabbitmq', 'password'),
        ),
        'RabbitMQ takes the password in Vault',
      ).toBe(true);
    },
  },
  'postgres-dynamic': {
    inputs: fast,
    consistent: async (w) => {
      // The static role's credential as Vault hands it out logs in.
      const reply = await w.sandbox.vault.call('GET', 'database/static-creds/harmonyflow');
      const creds = (reply.body as { data: { username: string; password: string } }).data;
      expect(
        await w.sandbox.postgres.tryLogin(
          { url: new Secret(w.env.ROTOR_SANDBOX_PG_URL), timeoutMs: 2000 },
          creds.username,
          new Secret(creds.password),
        ),
        'the static credential in Vault logs in',
      ).toBe(true);
    },
  },
  'encryption-key': {
    inputs: {},
    consistent: async (w) => {
      const plaintext = Buffer.from('rotor kill test').toString('base64');
      const enc = await w.sandbox.vault.call('POST', 'transit/encrypt/session-state', { plaintext });
      const ciphertext = (enc.body as { data: { ciphertext: string } }).data.ciphertext;
      const dec = await w.sandbox.vault.call('POST', 'transit/decrypt/session-state', { ciphertext });
      expect((dec.body as { data: { plaintext: string } }).data.plaintext).toBe(plaintext);
    },
  },
  generic: {
    inputs: {},
    consistent: async (w) => {
      // No consumer by default: Vault's current version is whole and readable.
      expect(w.sandbox.vault.kvRead('harmonyflow/iot-api-key')?.data['api-key']).toMatch(/^[0-9a-f]+$/);
    },
  },
  demo: { inputs: { grace_seconds: '0' }, consistent: async () => undefined },
  'custom-script': {
    inputs: { secret_path: CUSTOM_PATH, script_path: rotationScript, timeout_seconds: '20' },
    prepare: (w) => {
      // The target and Vault agree on a first password before the first kill point.
      if (w.sandbox.vault.kvRead(CUSTOM_PATH)) return;
      w.sandbox.vault.kvWrite(CUSTOM_PATH, { password: 'first-password' });
      writeFileSync(
        scriptTarget,
        JSON.stringify({ secret_path: CUSTOM_PATH, values: { password: 'first-password' } }),
      );
    },
    consistent: async (w) => {
      const target = (JSON.parse(readFileSync(scriptTarget, 'utf8')) as { values: { password: string } })
        .values.password;
      expect(
        target === String(w.sandbox.vault.kvRead(CUSTOM_PATH)!.data.password),
        'the target holds the password in Vault',
      ).toBe(true);
    },
  },
  'vault-recovery': {
    inputs: { sync_timeout_seconds: '30' },
    prepare: (w, inputs) => {
      const { vault } = w.sandbox;
      vault.seal();
      inputs.unseal_keys = new Secret(
        vault.unsealKeys.slice(0, vault.threshold).join(','),
        'inputs.unseal_keys',
      );
    },
    consistent: async (w) => {
      expect(w.sandbox.vault.isSealed(), 'Vault is unsealed').toBe(false);
      for (const es of w.sandbox.kube.list('ExternalSecret', 'harmonyflow-production') as unknown as Array<{
        metadata: { name: string };
        status?: { conditions?: Array<{ type: string; status: string }> };
      }>) {
        expect(
          es.status?.conditions?.find((c) => c.type === 'Ready')?.status,
          `${es.metadata.name} is synced`,
        ).toBe('True');
      }
    },
  },
  verify: { inputs: {}, consistent: async () => undefined },
  certificate: {
    inputs: fast,
    consistent: async (w) => {
      // The certificate Vault holds now is one the PKI issued and has not revoked.
      const crt = String(w.sandbox.vault.kvRead('harmonyflow/tls')!.data['tls.crt']);
      const { X509Certificate } = await import('node:crypto');
      const serial = new X509Certificate(crt).serialNumber.toLowerCase().match(/../g)!.join(':');
      const reply = await w.sandbox.vault.call('GET', `pki/cert/${serial}`);
      expect(reply.status, 'the PKI knows the deployed certificate').toBe(200);
      expect(
        (reply.body as { data: { revocation_time: number } }).data.revocation_time,
        'the deployed certificate is not revoked',
      ).toBe(0);
    },
  },
  rabbitmq: {
    inputs: fast,
    consistent: async (w) => {
      const ok = await w.sandbox.rabbit.amqpLogin(
        { url: w.env.ROTOR_SANDBOX_RABBITMQ_AMQP, timeoutMs: 2000 },
        'harmonyflow',
        vaultValue(w, 'harmonyflow/rabbitmq', 'password'),
      );
      expect(ok, 'the password in Vault opens an AMQP connection').toBe(true);
    },
  },
  jwt: {
    inputs: fast,
    consistent: async (w) => {
      // A token the service issues now verifies with the secret in Vault's current version.
      const res = await fetch(`${w.env.ROTOR_SERVICE_URL}/v1/auth/login`, {
        method: 'POST',
        body: JSON.stringify({ username: 'test', password: 'test' }),
      });
      const { token } = (await res.json()) as { token: string };
      const current = String(w.sandbox.vault.kvRead('harmonyflow/session-state-service')!.data['jwt-secret']);
      await jwtVerify(token, new TextEncoder().encode(current));
    },
  },
};

const CANNOT_TELL = new Set(['script.run', 'http.request']);
/** An operator who checked the step the interrupted run was inside: run it again, once. */
const operatorRetries = (stepId: string): Decider => {
  let asked = false;
  return async (r) => {
    if (r.kind === 'approve') return 'approve';
    if (r.kind === 'failure' && r.step.id === stepId && !asked) return ((asked = true), 'retry');
    return 'rollback';
  };
};

const STOPS_ON_FAILURE = new Set(['postgres-dynamic', 'encryption-key', 'verify', 'vault-recovery']);
const results: string[] = [];
afterAll(() => {
  // The figure the closing note reports.
  const reached = results.filter((r) => !r.includes('not reached'));
  console.log(
    `kill injection: ${reached.filter((r) => r.endsWith('ok')).length}/${reached.length} points survived (${results.length - reached.length} not reached)\n${results.join('\n')}`,
  );
});

for (const [runbook, spec] of Object.entries(CASES)) {
  if (!existsSync(resolve(import.meta.dirname, `../runbooks/${runbook}.yaml`))) continue;
  describe(`kill and resume: ${runbook}`, () => {
    // The suite kills every step after its effect (the point where Vault and a target can
    // disagree); ROTOR_KILL_POINTS=between,before-effect,after-effect runs the whole matrix.
    const ats = (process.env.ROTOR_KILL_POINTS?.split(',') as KillPoint['at'][] | undefined) ?? [
      'after-effect',
    ];
    const points = killPoints(runbook, ats);
    // One world per runbook: each resumed run starts from where the previous one left things.
    let world: SandboxWorld;
    beforeAll(async () => {
      world = await startSandboxWorld({ readinessDelayMs: 10 });
    });
    afterAll(async () => {
      await world?.close();
    });
    it.each(points.map((p) => [`${p.stepId} ${p.at}`, p] as const))(
      '%s',
      async (_label, point) => {
        try {
          const inputs = { ...spec.inputs };
          spec.prepare?.(world, inputs);
          // A step whose system cannot be asked (a script, an HTTP call) is not run again blindly:
          // the resumed session asks, and the operator, having looked, has it run again.
          const askOperator = point.at === 'after-effect' && CANNOT_TELL.has(point.action ?? '');
          const result = await killAndResume(
            world,
            runbook,
            inputs,
            point,
            askOperator ? { onFailure: 'ask', decide: operatorRetries(point.stepId) } : {},
          );
          if (!result.killed) {
            results.push(`${runbook} ${point.stepId} ${point.at}: not reached (step skipped)`);
            return;
          }
          const reason = 'reason' in result.outcome! ? ` (${result.outcome.reason.split('\n')[0]})` : '';
          // A runbook that stops on failure (its changes cannot be undone) may end failed; every
          // runbook must leave Vault and the target agreeing.
          const allowed = STOPS_ON_FAILURE.has(runbook)
            ? ['succeeded', 'rolled-back', 'failed']
            : ['succeeded', 'rolled-back'];
          expect(allowed, `${result.outcome!.status}${reason}`).toContain(result.outcome!.status);
          try {
            await spec.consistent(world);
          } catch (error) {
            throw new Error(
              `inconsistent after ${result.outcome!.status}${reason}: ${(error as Error).message}`,
            );
          }
          results.push(`${runbook} ${point.stepId} ${point.at}: ${result.outcome!.status}, ok`);
        } catch (error) {
          results.push(
            `${runbook} ${point.stepId} ${point.at}: FAILED ${(error as Error).message.split('\n')[0]}`,
          );
          throw error;
        }
      },
      90_000,
    ); // a kill and a resume; emergency's fan-out is slow on a loaded two-core machine
  });
}
