import { homedir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgPostgres } from '../src/adapters/postgres.js';
import { ioRedis } from '../src/adapters/redis.js';
import { createVaultPort, vaultConfigFromEnv } from '../src/adapters/vault.js';
import { runDigest } from '../src/check/digest.js';
import { probeTarget } from '../src/check/probe.js';
import { runChecks } from '../src/check/run-checks.js';
import { sourcesOver } from '../src/commands/check-sources.js';
import { parsePolicy } from '../src/policy/policy.js';
import { PolicyStore } from '../src/policy/policy-store.js';
import { startVaultEmulator } from '../src/sandbox/vault/index.js';
import { startRedisServers, type RedisServers } from './support/redis-servers.js';

const PASSWORD = 'probe-canary-right-4f1d9a';
const WRONG = 'probe-canary-wrong-77c2e0';
let redis: RedisServers;
let emulator: Awaited<ReturnType<typeof startVaultEmulator>>;
let vault: Awaited<ReturnType<typeof createVaultPort>>;

beforeAll(async () => {
  redis = await startRedisServers([{ password: PASSWORD }, { password: PASSWORD }]);
  emulator = await startVaultEmulator({});
  vault = await createVaultPort(
    vaultConfigFromEnv({ VAULT_ADDR: emulator.url, VAULT_TOKEN: emulator.rootToken }, homedir(), {
      renewToken: false,
    }),
  );
  await new PolicyStore(vault).put(
    parsePolicy({
      secret_path: 'team/redis',
      rotation_type: 'manual',
      runbook: 'redis',
      inputs: { nodes: redis.nodes.join(','), kubernetes: 'false' },
    }),
  );
}, 60_000);
afterAll(async () => {
  vault?.close();
  await emulator?.close();
  await redis?.close();
});

async function checkRedis() {
  const digest = runDigest();
  const sources = {
    ...sourcesOver(vault, undefined, digest, {}),
    probe: (
      _path: string,
      policy: Parameters<typeof probeTarget>[1],
      read: Parameters<typeof probeTarget>[2],
    ) => probeTarget({ postgres: pgPostgres, redis: ioRedis }, policy, read),
  };
  const [row] = await runChecks(sources, { digest, paths: ['team/redis'], environment: 'staging' });
  return row;
}

describe('rotor check --probe against a real Redis', () => {
  it('says the target accepts what Vault holds (AUTH and PING on every node), and names the nodes that refuse a wrong one', async () => {
    emulator.kvWrite('team/redis', { password: PASSWORD });
    const agree = await checkRedis();
    expect(agree.hops.target).toEqual({ state: 'ok', detail: 'Redis accepts it on 2 node(s) (AUTH, PING)' });

    emulator.kvWrite('team/redis', { password: WRONG });
    const refused = await checkRedis();
    expect(refused.hops.target).toEqual({
      state: 'drift',
      detail: `Redis refuses the password Vault holds at ${redis.nodes.join(', ')}`,
    });
    expect(refused.state).toBe('drift');
    const shown = JSON.stringify([agree, refused]);
    expect(shown).not.toContain(PASSWORD);
    expect(shown).not.toContain(WRONG);
  });

  it('does not judge a secret without a policy, or a runbook it has no probe for', async () => {
    const read = { kind: 'ok' as const, version: 1, createdTime: '', data: { password: 'x' } };
    expect(await probeTarget({ postgres: pgPostgres, redis: ioRedis }, undefined, read)).toMatchObject({
      state: 'not-judged',
    });
    const jwt = parsePolicy({ secret_path: 'team/jwt', rotation_type: 'manual', runbook: 'jwt' });
    expect(await probeTarget({ postgres: pgPostgres, redis: ioRedis }, jwt, read)).toEqual({
      state: 'not-judged',
      detail: 'no read-only probe for the jwt runbook yet',
    });
  });
});
