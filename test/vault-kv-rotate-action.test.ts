import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kvRotate } from '../src/actions/vault/kv-rotate.js';
import { transitCheck } from '../src/actions/vault/transit-check.js';
import { transitRewrap } from '../src/actions/vault/transit-rewrap.js';
import { Secret } from '../src/engine/secret.js';
import { startVaultWorld, type VaultWorld } from './support/vault-actions.js';

const params = (v: Record<string, unknown>) => kvRotate.params.parse(v);

describe('vault.kv-rotate and the transit checks against the Vault emulator', () => {
  let w: VaultWorld;
  beforeAll(async () => {
    w = await startVaultWorld();
  });
  afterAll(() => w.close());

  it('draws a value per field, keeps -previous when asked, leaves other fields, and undo writes the old version back', async () => {
    w.vault.kvWrite('app/one', { a: 'old-a', b: 'old-b', other: 'kept' });
    const p = params({
      path: 'app/one',
      fields: 'a, b',
      cas: 1,
      encoding: 'hex',
      bytes: 16,
      keep_previous: 'true',
    });
    const out = await kvRotate.run(p, w.ctx());
    const now = w.vault.kvRead('app/one')!;
    expect(now.version).toBe(2);
    expect(now.data).toMatchObject({ other: 'kept', 'a-previous': 'old-a', 'b-previous': 'old-b' });
    expect(String(now.data.a)).toMatch(/^[0-9a-f]{32}$/);
    expect(now.data.a).not.toBe(now.data.b);
    expect(out.value).toBeInstanceOf(Secret);
    expect((out.previous_value as Secret).reveal()).toBe('old-a');
    await kvRotate.undo!(p, out, w.ctx());
    expect(w.vault.kvRead('app/one')).toEqual({
      version: 3,
      data: { a: 'old-a', b: 'old-b', other: 'kept' },
    });
  });

  it('refuses when the secret moved since the snapshot, and one given value for several fields', async () => {
    w.vault.kvWrite('app/two', { a: '1' });
    w.vault.kvWrite('app/two', { a: '2' });
    await expect(kvRotate.run(params({ path: 'app/two', fields: 'a', cas: 1 }), w.ctx())).rejects.toThrow(
      /changed since this run started: version 1 → 2/,
    );
    await expect(
      kvRotate.run(params({ path: 'app/two', fields: 'a,b', value: new Secret('x'.repeat(20)) }), w.ctx()),
    ).rejects.toThrow(/one value for 2 fields/);
    expect(w.vault.kvRead('app/two')!.version).toBe(2);
  });

  it('rewraps ciphertexts under the latest version; transit-check sees the rotation and old versions still decrypting', async () => {
    await w.vault.call('POST', 'transit/keys/k', {});
    const enc = (
      await w.vault.call('POST', 'transit/encrypt/k', { plaintext: Buffer.from('hello').toString('base64') })
    ).body as { data: { ciphertext: string } };
    await expect(
      transitCheck.run(transitCheck.params.parse({ key: 'k', newer_than: 1 }), w.ctx()),
    ).rejects.toThrow(/still at version 1, expected more than 1/);
    await w.vault.call('POST', 'transit/keys/k/rotate', {});
    expect(await transitCheck.run(transitCheck.params.parse({ key: 'k', newer_than: 1 }), w.ctx())).toEqual({
      latest_version: 2,
      min_decryption_version: 1,
    });
    const out = await transitRewrap.run(
      transitRewrap.params.parse({ key: 'k', ciphertexts: enc.data.ciphertext }),
      w.ctx(),
    );
    expect(out).toMatchObject({ count: 1, key_version: 2 });
    expect((out.ciphertexts as string[])[0]).toMatch(/^vault:v2:/);
    await expect(
      transitRewrap.run(
        transitRewrap.params.parse({ key: 'missing', ciphertexts: enc.data.ciphertext }),
        w.ctx(),
      ),
    ).rejects.toThrow(/transit key missing refused to rewrap ciphertext 1/);
    await w.vault.call('POST', 'transit/keys/k/config', { min_decryption_version: 2 });
    await expect(
      transitCheck.run(transitCheck.params.parse({ key: 'k', newer_than: 1 }), w.ctx()),
    ).rejects.toThrow(/no longer decrypts version 1/);
  });
});
