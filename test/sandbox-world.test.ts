import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxWorld, type SandboxHandles } from '../src/sandbox/world.js';
import type { World } from '../src/session/world.js';
import { Secret } from '../src/engine/secret.js';

let world: World & { sandbox: SandboxHandles };
beforeAll(async () => {
  world = await startSandboxWorld({ readinessDelayMs: 20 });
});
afterAll(async () => {
  await world?.close();
});

describe('the sandbox world', () => {
  it('serves the guide secrets from the Vault emulator through the real node-vault port', async () => {
    const redis = await world.ports.vault!.kvRead({ mount: 'secret', path: 'harmonyflow/redis' });
    expect(redis.version).toBe(1);
    expect(Object.keys(redis.data)).toEqual(['password']);
  });

  it('seeds the guide secrets months old, as a Vault in service for a while has them', async () => {
    const meta = await world.ports.vault!.kvMetadata({ mount: 'secret', path: 'harmonyflow/redis' });
    const age = Date.now() - Date.parse(meta!.versions[meta!.currentVersion].createdTime);
    expect(Math.round(age / 86_400_000)).toBe(200);
  });

  it('syncs Vault into Kubernetes Secrets the service reads', async () => {
    const deadline = Date.now() + 10_000;
    let digest = null;
    while (Date.now() < deadline && !digest) {
      digest = await world.ports
        .kube!.secretDigest({ namespace: 'harmonyflow-production', name: 'session-state-service-secrets' })
        .catch(() => null);
      if (!digest) await new Promise((r) => setTimeout(r, 100));
    }
    expect(digest?.keys.sort()).toEqual(['api-key', 'jwt-refresh-secret', 'jwt-secret']);
  });

  it('answers logins at the demo service with the seeded secrets', async () => {
    const res = await fetch(`${world.env.ROTOR_SERVICE_URL}/v1/auth/login`, {
      method: 'POST',
      body: JSON.stringify({ username: 'test', password: 'test' }),
    });
    expect(res.status).toBe(200);
  });

  it('routes *.sandbox hosts to the stand-ins: the seeded Redis password works on all six nodes', async () => {
    const password = new Secret(world.sandbox.vault.kvRead('harmonyflow/redis')!.data.password as string);
    for (const node of world.env.ROTOR_SANDBOX_REDIS_NODES.split(',')) {
      expect(await world.ports.redis!.tryAuth(node, { password }, { timeoutMs: 1000 })).toBe(true);
    }
  });
});
