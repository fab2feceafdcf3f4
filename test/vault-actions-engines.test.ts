// Transit, database, lease and sys actions through the real node-vault adapter against the
// emulator. The database engine here records statements; test/vault-database-engine.test.ts
// runs it against a real PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Secret } from '../src/engine/secret.js';
import { dbRotateRole } from '../src/actions/vault/db-rotate-role.js';
import { dbRotateRoot } from '../src/actions/vault/db-rotate-root.js';
import { dbStaticCreds } from '../src/actions/vault/db-static-creds.js';
import { renewLeases } from '../src/actions/vault/renew-leases.js';
import { transitKeyInfo } from '../src/actions/vault/transit-key-info.js';
import { transitRotate } from '../src/actions/vault/transit-rotate.js';
import { health } from '../src/actions/vault/health.js';
import { sealStatus } from '../src/actions/vault/seal-status.js';
import { unseal } from '../src/actions/vault/unseal.js';
import { isVaultError } from '../src/ports/vault-port.js';
import type { DatabaseAdmin } from '../src/sandbox/vault/index.js';
import { serialised, startVaultWorld, type VaultWorld } from './support/vault-actions.js';
import { wrongShare } from './support/unseal-shares.js';

const statements: string[] = [];
const recording: DatabaseAdmin = {
  verify: async () => undefined,
  execute: async (_c, s) => void statements.push(...s),
};

let world: VaultWorld;
beforeAll(async () => {
  world = await startVaultWorld({ databaseAdmin: recording });
  await world.vault.call('POST', 'transit/keys/session-state');
  await world.vault.call('POST', 'database/config/harmonyflow', {
    plugin_name: 'postgresql-database-plugin',
    connection_url: 'postgresql://{{username}}:{{password}}@db:5432/app',
    username: 'vault',
    password: 'root',
    allowed_roles: '*',
  });
  await world.vault.call('POST', 'database/static-roles/harmonyflow', {
    db_name: 'harmonyflow',
    username: 'harmonyflow',
    rotation_period: '720h',
  });
  await world.vault.call('POST', 'database/roles/reporting', {
    db_name: 'harmonyflow',
    creation_statements: 'CREATE ROLE "{{name}}";',
    default_ttl: '1h',
    max_ttl: '4h',
  });
});
afterAll(() => world.close());

describe('transit', () => {
  it('rotates a key and reports its versions', async () => {
    const rotated = await transitRotate.run(
      transitRotate.params.parse({ key: 'session-state' }),
      world.ctx(),
    );
    expect(rotated).toEqual({ latest_version: 2, previous_version: 1 });
    const info = await transitKeyInfo.run(transitKeyInfo.params.parse({ key: 'session-state' }), world.ctx());
    expect(info).toEqual({
      latest_version: 2,
      min_decryption_version: 1,
      min_encryption_version: 0,
      versions: 2,
    });
  });

  it('a missing key is "not found", naming key and mount', async () => {
    const error = await transitRotate
      .run(transitRotate.params.parse({ key: 'nope' }), world.ctx())
      .catch((e) => e);
    expect(isVaultError(error, 'not-found')).toBe(true);
    expect(error.message).toBe('transit/keys/nope not found (404) while reading transit key nope');
  });
});

describe('database', () => {
  it('rotate-root runs the root rotation statement and answers nothing readable', async () => {
    const out = await dbRotateRoot.run(dbRotateRoot.params.parse({ connection: 'harmonyflow' }), world.ctx());
    expect(out).toEqual({});
    expect(statements.at(-1)).toContain('ALTER ROLE "{{username}}"');
  });

  it('rotate-role gives the static role a new password, masked', async () => {
    const before = await dbStaticCreds.run(dbStaticCreds.params.parse({ role: 'harmonyflow' }), world.ctx());
    const ctx = world.ctx();
    const after = await dbRotateRole.run(dbRotateRole.params.parse({ role: 'harmonyflow' }), ctx);
    expect(after.username).toBe('harmonyflow');
    expect(after.password).toBeInstanceOf(Secret);
    expect((after.password as Secret).reveal()).not.toBe((before.password as Secret).reveal());
    expect(serialised(after)).not.toContain((after.password as Secret).reveal());
    const unknown = await dbRotateRole
      .run(dbRotateRole.params.parse({ role: 'nobody' }), world.ctx())
      .catch((e) => e);
    expect(unknown.message).toBe('no static role nobody at database/static-roles/nobody (400)');
  });

  it('renews leases with progress, and names an unknown lease', async () => {
    const a = await world.vault.call('GET', 'database/creds/reporting');
    const b = await world.vault.call('GET', 'database/creds/reporting');
    const ids = [(a.body as { lease_id: string }).lease_id, (b.body as { lease_id: string }).lease_id];
    const ctx = world.ctx();
    const out = await renewLeases.run(renewLeases.params.parse({ lease_ids: ids, increment: '2h' }), ctx);
    expect(out).toEqual({ renewed: 2, min_lease_duration: 7200 });
    expect(ctx.record.progress).toEqual([
      { done: 1, total: 2, label: 'leases renewed' },
      { done: 2, total: 2, label: 'leases renewed' },
    ]);
    const error = await renewLeases
      .run(renewLeases.params.parse({ lease_ids: 'database/creds/reporting/nope' }), world.ctx())
      .catch((e) => e);
    expect(error.message).toBe('lease database/creds/reporting/nope not found or not renewable (400)');
  });
});

describe('health, seal status and unseal', () => {
  it('health passes on an active Vault and fails on a sealed one', async () => {
    expect(await health.run(health.params.parse({}), world.ctx())).toMatchObject({
      sealed: false,
      initialized: true,
      status: 200,
    });
    world.vault.seal();
    try {
      const error = await health.run(health.params.parse({}), world.ctx()).catch((e) => e);
      expect(isVaultError(error, 'sealed')).toBe(true);
      expect(error.message).toBe(`Vault at ${world.vault.url} is sealed (503)`);
      expect(await sealStatus.run({}, world.ctx())).toEqual({
        sealed: true,
        threshold: 3,
        shares: 5,
        progress: 0,
      });
    } finally {
      world.vault.unseal();
    }
  });

  it('unseal asks one share at a time, masked, and reports progress t/n', async () => {
    world.vault.seal();
    const [k1, k2, k3] = world.vault.unsealKeys;
    const ctx = world.ctx({ answers: [k2, k3] });
    const out = await unseal.run(unseal.params.parse({ keys: [new Secret(k1)] }), ctx);
    expect(out).toEqual({ sealed: false, shares_used: 3 });
    expect(ctx.record.progress.map((p) => `${p.done}/${p.total}`)).toEqual(['0/3', '1/3', '2/3', '3/3']);
    expect(world.vault.isSealed()).toBe(false);
    expect(unseal.describe(unseal.params.parse({ keys: [new Secret(k1)] }))).not.toContain(k1);
  });

  it('a wrong share fails the unseal and says progress starts again', async () => {
    world.vault.seal();
    try {
      const [k1, k2] = world.vault.unsealKeys;
      const wrong = wrongShare(world.vault.unsealKeys);
      const error = await unseal
        .run(unseal.params.parse({ keys: [k1, k2, wrong] }), world.ctx())
        .catch((e) => e);
      expect(error.message).toBe(
        'Vault refused the unseal share (400); the unseal progress starts again from 0',
      );
      expect(error.message).not.toContain(wrong);
    } finally {
      world.vault.unseal();
    }
  });
});
