// Each error an operator can act on, through the real node-vault adapter: permission denied
// (naming the missing capability), invalid token, sealed, not found, unreachable, 5xx.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Secret } from '../src/engine/secret.js';
import { createVaultPort, vaultConfigFromEnv } from '../src/adapters/vault.js';
import { kvPatch } from '../src/actions/vault/kv-patch.js';
import { kvRead } from '../src/actions/vault/kv-read.js';
import { isVaultError } from '../src/ports/vault-port.js';
import { testContext } from './support/action-context.js';
import { freePort } from './support/free-port.js';
import { startVaultWorld, type VaultWorld } from './support/vault-actions.js';

let world: VaultWorld;
beforeAll(async () => {
  world = await startVaultWorld();
  world.vault.kvWrite('harmonyflow/redis', { password: 'very-secret-value' });
});
afterAll(() => world.close());

const read = (ctx = world.ctx(), path = 'harmonyflow/redis') =>
  kvRead.run(kvRead.params.parse({ path }), ctx).catch((e) => e);

function noLeak(error: Error & { hint?: string }) {
  expect(`${error.message} ${error.hint ?? ''}`).not.toContain('very-secret-value');
  expect(error.cause).toBeUndefined();
}

describe('errors', () => {
  it('permission denied names the missing capability and what the token has', async () => {
    world.vault.setPolicy('redis-reader', { 'secret/data/harmonyflow/*': ['read'] });
    const port = await world.portFor(world.vault.createToken({ policies: ['redis-reader'] }));
    const error = await kvPatch
      .run(
        kvPatch.params.parse({ path: 'harmonyflow/redis', cas: 1, data: { password: new Secret('x') } }),
        world.ctx({ port }),
      )
      .catch((e) => e);
    expect(isVaultError(error, 'permission-denied')).toBe(true);
    expect(error.message).toBe(
      'permission denied while patching secret/harmonyflow/redis: the token lacks the "patch" capability on secret/data/harmonyflow/redis (403) (the token has read there)',
    );
    expect(error.hint).toContain('add "patch" on "secret/data/harmonyflow/redis"');
    noLeak(error);
  });

  it('an invalid or expired token says so', async () => {
    const port = await world.portFor('hvs.revoked-or-made-up');
    const error = await read(world.ctx({ port }));
    expect(isVaultError(error, 'invalid-token')).toBe(true);
    expect(error.message).toBe(
      'Vault refused the token while reading secret/harmonyflow/redis: permission denied, invalid token (403)',
    );
    noLeak(error);
  });

  it('not found names the path and the status', async () => {
    const error = await read(world.ctx(), 'harmonyflow/nope');
    expect(isVaultError(error, 'not-found')).toBe(true);
    expect(error.message).toBe(
      'secret/harmonyflow/nope not found (404) while reading secret/harmonyflow/nope',
    );
  });

  it('a deleted latest version is told apart from a missing path, without its body', async () => {
    world.vault.kvWrite('harmonyflow/soft', { password: 'very-secret-value' });
    await world.vault.call('DELETE', 'secret/data/harmonyflow/soft');
    const error = await read(world.ctx(), 'harmonyflow/soft');
    expect(isVaultError(error, 'deleted')).toBe(true);
    expect(error.message).toBe(
      'secret/harmonyflow/soft version 1 is deleted (404) while reading secret/harmonyflow/soft',
    );
    noLeak(error);
  });

  it('sealed names the address and 503', async () => {
    world.vault.seal();
    try {
      const error = await read();
      expect(isVaultError(error, 'sealed')).toBe(true);
      expect(error.message).toBe(
        `Vault at ${new URL(world.vault.url).host} is sealed (503) while reading secret/harmonyflow/redis`,
      );
    } finally {
      world.vault.unseal();
    }
  });

  it('a 503 that does not say sealed reads as unavailable, not sealed', async () => {
    const clear = world.vault.injectFault({ path: 'secret/data/harmonyflow/redis', status: 503 });
    try {
      const error = await read();
      expect(isVaultError(error, 'server-error')).toBe(true);
      expect(error.message).toBe(
        `Vault at ${new URL(world.vault.url).host} is unavailable (503) while reading secret/harmonyflow/redis`,
      );
    } finally {
      clear();
    }
  });

  it('unreachable names host:port', async () => {
    const port = await freePort();
    const vault = await createVaultPort(
      vaultConfigFromEnv({ VAULT_ADDR: `http://127.0.0.1:${port}`, VAULT_TOKEN: 'hvs.x' }, '/nonexistent'),
    );
    try {
      const error = await read(testContext({ vault }));
      expect(isVaultError(error, 'unreachable')).toBe(true);
      expect(error.message).toBe(
        `Vault at 127.0.0.1:${port} is unreachable (ECONNREFUSED) while reading secret/harmonyflow/redis`,
      );
      expect(error.hint).toContain('VAULT_ADDR');
    } finally {
      vault.close();
    }
  });

  it('a failing Vault (5xx) names the status and the path, not the body', async () => {
    const clear = world.vault.injectFault({
      path: 'secret/data/harmonyflow/redis',
      status: 500,
      errors: ['very-secret-value leaked in a server error'],
      times: 1,
    });
    try {
      const error = await read();
      expect(isVaultError(error, 'server-error')).toBe(true);
      expect(error.message).toBe(
        'Vault answered 500 while reading secret/harmonyflow/redis at secret/data/harmonyflow/redis',
      );
      noLeak(error);
    } finally {
      clear();
    }
  });
});
