// vault.kv-* actions through the real node-vault adapter against the emulator.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Secret } from '../src/engine/secret.js';
import { kvCheckVersion } from '../src/actions/vault/kv-check-version.js';
import { kvPatch } from '../src/actions/vault/kv-patch.js';
import { kvRead } from '../src/actions/vault/kv-read.js';
import { kvRestore } from '../src/actions/vault/kv-restore.js';
import { kvSnapshot } from '../src/actions/vault/kv-snapshot.js';
import { kvWrite } from '../src/actions/vault/kv-write.js';
import { kvPromote } from '../src/actions/vault/kv-promote.js';
import { kvStage } from '../src/actions/vault/kv-stage.js';
import { isVaultError } from '../src/ports/vault-port.js';
import { serialised, startVaultWorld, type VaultWorld } from './support/vault-actions.js';

let world: VaultWorld;
beforeAll(async () => {
  world = await startVaultWorld();
});
afterAll(() => world.close());

const parse = <T extends { params: { parse(v: unknown): any } }>(action: T, params: unknown) =>
  action.params.parse(params);

describe('reading and snapshots', () => {
  it('kv-read returns masked data, the version and one field', async () => {
    world.vault.kvWrite('harmonyflow/session', { 'jwt-secret': 's3cret-one', 'api-key': 'k-1' });
    const ctx = world.ctx();
    const out = await kvRead.run(parse(kvRead, { path: 'harmonyflow/session', field: 'jwt-secret' }), ctx);
    expect(out.version).toBe(1);
    expect(out.value).toBeInstanceOf(Secret);
    expect((out.value as Secret).reveal()).toBe('s3cret-one');
    expect(serialised(out)).not.toContain('s3cret-one');
    expect(ctx.record.logs.join('\n')).not.toContain('s3cret-one');
  });

  it('kv-snapshot records version and masked data, and copies nothing in clear', async () => {
    world.vault.kvWrite('harmonyflow/redis', { password: 'redis-old' });
    const ctx = world.ctx();
    const out = await kvSnapshot.run(parse(kvSnapshot, { path: 'harmonyflow/redis' }), ctx);
    expect(out.version).toBe(1);
    expect((out.data as Record<string, Secret>).password.reveal()).toBe('redis-old');
    expect(serialised(out)).not.toContain('redis-old');
    expect(kvSnapshot.describe(parse(kvSnapshot, { path: 'harmonyflow/redis' }))).toBe(
      'record the current version of secret/harmonyflow/redis; its values stay in Vault, nothing is copied',
    );
    const missing = await kvSnapshot.run(
      parse(kvSnapshot, { path: 'harmonyflow/new-thing', allow_missing: true }),
      world.ctx(),
    );
    expect(missing.version).toBe(0);
  });
});

describe('writes with check-and-set, and their undo', () => {
  it('kv-patch against the snapshot version; undo writes the snapshot back as a new version', async () => {
    world.vault.kvWrite('harmonyflow/postgresql', { username: 'harmonyflow', password: 'pg-old' });
    const snap = await kvSnapshot.run(parse(kvSnapshot, { path: 'harmonyflow/postgresql' }), world.ctx());
    const params = parse(kvPatch, {
      path: 'harmonyflow/postgresql',
      cas: snap.version,
      data: {
        password: new Secret('pg-new'),
        previous_password: (snap.data as Record<string, Secret>).password,
      },
    });
    expect(kvPatch.describe(params)).toBe(
      'patch secret/harmonyflow/postgresql as a new version (sets password, previous_password), only if it is still version 1',
    );
    const ctx = world.ctx();
    const out = await kvPatch.run(params, ctx);
    expect(out).toEqual({ version: 2, previous_version: 1 });
    expect(world.vault.kvRead('harmonyflow/postgresql')).toEqual({
      version: 2,
      data: { username: 'harmonyflow', password: 'pg-new', previous_password: 'pg-old' },
    });
    expect(await kvPatch.check!(params, ctx)).toBe('done');
    await kvPatch.undo!(params, out, ctx);
    expect(world.vault.kvRead('harmonyflow/postgresql')).toEqual({
      version: 3,
      data: { username: 'harmonyflow', password: 'pg-old' },
    });
  });

  it("refuses a patch when someone else wrote in between, in the operator's words", async () => {
    world.vault.kvWrite('harmonyflow/rabbitmq', { password: 'r1' });
    const snap = await kvSnapshot.run(parse(kvSnapshot, { path: 'harmonyflow/rabbitmq' }), world.ctx());
    world.vault.kvWrite('harmonyflow/rabbitmq', { password: 'someone-else' });
    const error = await kvPatch
      .run(
        parse(kvPatch, { path: 'harmonyflow/rabbitmq', cas: snap.version, data: { password: 'r2' } }),
        world.ctx(),
      )
      .catch((e) => e);
    expect(isVaultError(error, 'cas-conflict')).toBe(true);
    expect(error.message).toBe(
      'harmonyflow/rabbitmq changed since this run started: version 1 → 2; someone else may be rotating it',
    );
    expect(world.vault.kvRead('harmonyflow/rabbitmq')!.data).toEqual({ password: 'someone-else' });
  });

  it('kv-write replaces the data; undo of a write that created the secret removes it', async () => {
    const params = parse(kvWrite, {
      path: 'harmonyflow/created',
      data: { token: new Secret('t-1') },
      cas: 0,
    });
    const ctx = world.ctx();
    const out = await kvWrite.run(params, ctx);
    expect(out).toEqual({ version: 1, previous_version: 0 });
    await kvWrite.undo!(params, out, ctx);
    expect(world.vault.kvRead('harmonyflow/created')).toBeNull();
    expect(await world.port.kvMetadata({ mount: 'secret', path: 'harmonyflow/created' })).toBeNull();
  });

  it('undo refuses to overwrite a version someone else wrote after the step', async () => {
    world.vault.kvWrite('harmonyflow/undo-race', { v: '1' });
    const params = parse(kvWrite, { path: 'harmonyflow/undo-race', data: { v: '2' }, cas: 1 });
    const out = await kvWrite.run(params, world.ctx());
    world.vault.kvWrite('harmonyflow/undo-race', { v: 'other' });
    const error = await kvWrite.undo!(params, out, world.ctx()).catch((e) => e);
    expect(error.message).toBe(
      'harmonyflow/undo-race changed since this run started: version 2 → 3; someone else may be rotating it',
    );
  });
});

describe('restore (rollback)', () => {
  it("writes version N's data as a new version, never a soft-delete", async () => {
    world.vault.kvWrite('harmonyflow/api', { key: 'a1' });
    world.vault.kvWrite('harmonyflow/api', { key: 'a2' });
    const params = parse(kvRestore, { path: 'harmonyflow/api', version: 1, cas: 2 });
    const out = await kvRestore.run(params, world.ctx());
    expect(out).toEqual({ version: 3, restored_version: 1, previous_version: 2 });
    const meta = await world.port.kvMetadata({ mount: 'secret', path: 'harmonyflow/api' });
    expect(Object.values(meta!.versions).every((v) => !v.deleted && !v.destroyed)).toBe(true);
    expect(world.vault.kvRead('harmonyflow/api')!.data).toEqual({ key: 'a1' });
  });

  it('refuses a deleted version, naming path and version', async () => {
    world.vault.kvWrite('harmonyflow/deleted', { key: 'd1' });
    world.vault.kvWrite('harmonyflow/deleted', { key: 'd2' });
    await world.vault.call('POST', 'secret/delete/harmonyflow/deleted', { versions: [1] });
    const error = await kvRestore
      .run(parse(kvRestore, { path: 'harmonyflow/deleted', version: 1 }), world.ctx())
      .catch((e) => e);
    expect(isVaultError(error, 'deleted')).toBe(true);
    expect(error.message).toContain('secret/harmonyflow/deleted version 1 is deleted (404)');
    expect(world.vault.kvRead('harmonyflow/deleted')).toEqual({ version: 2, data: { key: 'd2' } });
  });
});

describe('staged rotation', () => {
  it('stages beside the secret, leaves the real path alone, then promotes with check-and-set', async () => {
    world.vault.kvWrite('harmonyflow/redis-staged', { password: 'old', host: 'redis' });
    const stageParams = parse(kvStage, {
      path: 'harmonyflow/redis-staged',
      cas: 1,
      data: { password: new Secret('new'), previous_password: 'old' },
    });
    const staged = await kvStage.run(stageParams, world.ctx());
    expect(staged).toMatchObject({
      pending_path: 'harmonyflow/redis-staged.pending',
      pending_version: 1,
      base_version: 1,
    });
    expect(world.vault.kvRead('harmonyflow/redis-staged')).toEqual({
      version: 1,
      data: { password: 'old', host: 'redis' },
    });
    expect(world.vault.kvRead('harmonyflow/redis-staged.pending')!.data).toEqual({
      password: 'new',
      host: 'redis',
      previous_password: 'old',
    });
    expect(await kvStage.check!(stageParams, world.ctx())).toBe('done');

    const promoteParams = parse(kvPromote, { path: 'harmonyflow/redis-staged' });
    const ctx = world.ctx();
    const promoted = await kvPromote.run(promoteParams, ctx);
    expect(promoted).toEqual({ version: 2, previous_version: 1 });
    expect(world.vault.kvRead('harmonyflow/redis-staged')!.data).toEqual({
      password: 'new',
      host: 'redis',
      previous_password: 'old',
    });
    expect(world.vault.kvRead('harmonyflow/redis-staged.pending')).toBeNull();
    await kvPromote.undo!(promoteParams, promoted, ctx);
    expect(world.vault.kvRead('harmonyflow/redis-staged')).toEqual({
      version: 3,
      data: { password: 'old', host: 'redis' },
    });
  });

  it('promotion refuses when the secret moved on after staging; undoing the stage removes the pending value', async () => {
    world.vault.kvWrite('harmonyflow/moved', { password: 'p1' });
    const stageParams = parse(kvStage, { path: 'harmonyflow/moved', data: { password: 'p2' } });
    const staged = await kvStage.run(stageParams, world.ctx());
    world.vault.kvWrite('harmonyflow/moved', { password: 'someone' });
    const error = await kvPromote
      .run(parse(kvPromote, { path: 'harmonyflow/moved' }), world.ctx())
      .catch((e) => e);
    expect(error.message).toBe(
      'harmonyflow/moved changed since this run started: version 1 → 2; someone else may be rotating it',
    );
    await kvStage.undo!(stageParams, staged, world.ctx());
    expect(world.vault.kvRead('harmonyflow/moved.pending')).toBeNull();
  });
});

describe('kv-check-version', () => {
  it('passes at the expected version and names both versions otherwise', async () => {
    world.vault.kvWrite('harmonyflow/check', { a: '1' });
    expect(
      await kvCheckVersion.run(parse(kvCheckVersion, { path: 'harmonyflow/check', version: 1 }), world.ctx()),
    ).toEqual({ version: 1 });
    world.vault.kvWrite('harmonyflow/check', { a: '2' });
    const error = await kvCheckVersion
      .run(parse(kvCheckVersion, { path: 'harmonyflow/check', version: 1 }), world.ctx())
      .catch((e) => e);
    expect(error.message).toBe(
      'harmonyflow/check changed since this run started: version 1 → 2; someone else may be rotating it',
    );
  });
});
