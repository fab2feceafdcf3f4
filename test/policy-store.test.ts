// Policies, history and status in Vault KV, through the real node-vault adapter over HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HistoryStore } from '../src/policy/history-store.js';
import type { HistoryEntry } from '../src/policy/history.js';
import { parsePolicy } from '../src/policy/policy.js';
import { PolicyStore } from '../src/policy/policy-store.js';
import { decodeShard, encodeShard } from '../src/policy/shard-codec.js';
import { SHARDS, shardOf } from '../src/policy/store-layout.js';
import { startVaultWorld, type VaultWorld } from './support/vault-actions.js';

let world: VaultWorld;
const location = { mount: 'secret', prefix: 'rotor-test' };

beforeAll(async () => {
  world = await startVaultWorld();
});
afterAll(async () => {
  await world?.close();
});

const policy = (path: string, extra: Record<string, unknown> = {}) =>
  parsePolicy({ secret_path: path, rotation_type: 'scheduled', rotation_period_days: 30, ...extra });

function entry(
  path: string,
  status: HistoryEntry['status'],
  ended: string,
  seconds = 10,
  session = `s-${ended}`,
): HistoryEntry {
  return {
    secret_path: path,
    session_id: session,
    runbook: 'generic',
    environment: 'staging',
    operator: 'op@host',
    started_at: ended,
    ended_at: ended,
    duration_seconds: seconds,
    status,
    attempt: 1,
    drill: false,
    ...(status === 'success' ? {} : { error: 'step write failed: cas' }),
  };
}

describe('policy store', () => {
  it('adds, lists, shows, disables and removes policies, keeping the creation time', async () => {
    const store = new PolicyStore(world.port, location);
    const first = await store.put(policy('harmonyflow/redis'), new Date('2026-01-01T00:00:00Z'));
    expect(first.created).toBe(true);
    expect(first.policy.created_at).toBe('2026-01-01T00:00:00.000Z');
    // Stored compressed and without defaults: what `vault kv get` shows is the encoding and the count.
    expect(
      world.vault.kvRead(`rotor-test/policies/${shardOf('harmonyflow/redis').toString(16).padStart(2, '0')}`)
        ?.data,
    ).toMatchObject({ encoding: 'gzip+base64', count: '1' });
    const again = await store.put(
      policy('harmonyflow/redis', { rotation_period_days: 7 }),
      new Date('2026-02-01T00:00:00Z'),
    );
    expect(again).toMatchObject({
      created: false,
      policy: { rotation_period_days: 7, created_at: '2026-01-01T00:00:00.000Z' },
    });
    await store.put(policy('harmonyflow/postgresql', { secret_type: 'database' }));
    expect((await store.list()).policies.map((p) => p.secret_path)).toEqual([
      'harmonyflow/postgresql',
      'harmonyflow/redis',
    ]);
    expect((await store.setActive('harmonyflow/redis', false)).is_active).toBe(false);
    expect((await store.get('harmonyflow/redis'))?.is_active).toBe(false);
    expect(await store.remove('harmonyflow/redis')).toBe(true);
    expect(await store.remove('harmonyflow/redis')).toBe(false);
    await expect(store.setActive('harmonyflow/redis', true)).rejects.toThrow(
      /no rotation policy for harmonyflow\/redis/,
    );
    expect((await store.list()).policies).toHaveLength(1);
  });

  it('spreads policies over the shard entries, so listing is one read per shard whatever the count', async () => {
    const store = new PolicyStore(world.port, { mount: 'secret', prefix: 'rotor-shards' });
    const paths = Array.from({ length: 200 }, (_, i) => `team/app-${i}`);
    for (let i = 0; i < paths.length; i += 20)
      await Promise.all(paths.slice(i, i + 20).map((p) => store.put(policy(p))));
    expect((await store.list()).policies).toHaveLength(200);
    const used = new Set(paths.map(shardOf));
    expect(used.size).toBe(SHARDS);
    const entries = [...used].map((n) =>
      world.vault.kvRead(`rotor-shards/policies/${n.toString(16).padStart(2, '0')}`),
    );
    expect(entries.every((e) => e !== undefined)).toBe(true);
  });

  it('loses no policy when two clients write the same shard at once (check-and-set, re-read, retry)', async () => {
    const other = await world.portFor(world.vault.rootToken);
    const a = new PolicyStore(world.port, { mount: 'secret', prefix: 'rotor-race' });
    const b = new PolicyStore(other, { mount: 'secret', prefix: 'rotor-race' });
    // All in one shard, so every write contends.
    const same = Array.from({ length: 400 }, (_, i) => `race/s-${i}`)
      .filter((p) => shardOf(p) === 3)
      .slice(0, 16);
    await Promise.all(same.map((p, i) => (i % 2 ? a : b).put(policy(p))));
    expect((await a.list()).policies.map((p) => p.secret_path).sort()).toEqual([...same].sort());
    const meta = world.vault.kvRead('rotor-race/policies/03');
    expect(meta?.version).toBe(16);
  });

  it('says when a stored policy was edited by hand into something unreadable', async () => {
    const store = new PolicyStore(world.port, { mount: 'secret', prefix: 'rotor-broken' });
    await store.put(policy('ok/one'));
    const shard = `rotor-broken/policies/${shardOf('bad/two').toString(16).padStart(2, '0')}`;
    world.vault.kvWrite(
      shard,
      encodeShard({
        ...decodeShard(world.vault.kvRead(shard)?.data ?? {}, shard),
        'bad/two': { rotation_type: 'weekly' },
      }),
    );
    const { policies, broken } = await store.list();
    expect(policies.map((p) => p.secret_path)).toEqual(['ok/one']);
    expect(broken).toEqual([
      {
        secret_path: 'bad/two',
        reason: 'the stored policy of bad/two lacks a rotation_type; add it again with rotor policy add',
      },
    ]);
    world.vault.kvWrite(shard, { password: 'not a shard' });
    await expect(store.list()).rejects.toThrow(`secret/${shard} is not a rotor shard entry`);
  });
});

describe('history store', () => {
  it('appends, keeps the newest entries up to the cap, and counts every rotation in the status', async () => {
    const store = new HistoryStore(world.port, location, {}, 5);
    for (let day = 1; day <= 8; day++)
      await store.append(
        entry('app/api-key', day % 4 === 0 ? 'rolled_back' : 'success', `2026-03-0${day}T00:00:00.000Z`, day),
      );
    const kept = await store.entries('app/api-key');
    expect(kept.map((e) => e.ended_at.slice(8, 10))).toEqual(['08', '07', '06', '05', '04']);
    expect(await store.status('app/api-key')).toMatchObject({
      total: 8,
      success: 6,
      rolled_back: 2,
      failed: 0,
      last_status: 'rolled_back',
      last_success: '2026-03-07T00:00:00.000Z',
      duration_total_seconds: 36,
    });
    expect(await store.stats('app/api-key')).toEqual({
      total_rotations: 8,
      success_count: 6,
      failed_count: 2,
      rolled_back_count: 2,
      success_rate: 0.75,
      avg_duration_seconds: 4.5,
    });
  });

  it('merges the newest rotations across secrets, reading only the histories it needs', async () => {
    const store = new HistoryStore(world.port, { mount: 'secret', prefix: 'rotor-recent' });
    for (let i = 0; i < 12; i++)
      await store.append(entry(`svc/${i}`, 'success', `2026-04-${String(i + 10)}T00:00:00.000Z`));
    await store.append(entry('svc/0', 'failed', '2026-05-01T00:00:00.000Z'));
    const recent = await store.recent(3);
    expect(recent.map((e) => `${e.secret_path} ${e.ended_at.slice(0, 10)}`)).toEqual([
      'svc/0 2026-05-01',
      'svc/11 2026-04-21',
      'svc/10 2026-04-20',
    ]);
    expect(await store.stats()).toMatchObject({ total_rotations: 13, success_count: 12, failed_count: 1 });
    // The small view `rotor due` reads agrees with the statuses.
    const last = await store.lastRotations();
    expect(last.size).toBe(12);
    expect(last.get('svc/0')).toEqual({ last_success: '2026-04-10T00:00:00.000Z', last_status: 'failed' });
    expect([...(await store.statuses())].map(([p, s]) => [p, s.last_success, s.last_status])).toEqual(
      [...last].map(([p, l]) => [p, l.last_success, l.last_status]),
    );
  });

  it('cuts long error texts, so an entry never grows past what Vault stores', async () => {
    const store = new HistoryStore(world.port, location);
    await store.append({
      ...entry('app/long', 'failed', '2026-06-01T00:00:00.000Z'),
      error: 'x'.repeat(5000),
    });
    const [kept] = await store.entries('app/long');
    expect(kept.error!.length).toBe(1001);
  });
});
