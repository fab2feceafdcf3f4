import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificateActions } from '../src/actions/certificate/index.js';
import { pkiCa } from '../src/actions/vault/pki-ca.js';
import { pkiIssue } from '../src/actions/vault/pki-issue.js';
import { pkiRevoke } from '../src/actions/vault/pki-revoke.js';
import { forgeX509 } from '../src/adapters/x509.js';
import { Secret } from '../src/engine/secret.js';
import { rsaKeyPair } from '../src/sandbox/vault/pki-certs.js';
import { startVaultWorld, type VaultWorld } from './support/vault-actions.js';

const [validate, inspect] = certificateActions(forgeX509);
const parse = <T>(action: { params: { parse(v: unknown): T } }, v: unknown): T => action.params.parse(v);

describe('certificate and PKI actions against the Vault emulator', () => {
  let w: VaultWorld;
  let issued: { certificate: string; private_key: Secret; serial: string };
  let ca: string;

  beforeAll(async () => {
    w = await startVaultWorld();
    await w.vault.call('POST', 'pki/root/generate/internal', { common_name: 'Test Root', ttl: '87600h' });
    await w.vault.call('POST', 'pki/roles/web', {
      allowed_domains: ['example.test'],
      allow_subdomains: true,
      max_ttl: '720h',
    });
    issued = (await pkiIssue.run(
      parse(pkiIssue, { role: 'web', common_name: 'a.example.test', alt_names: 'b.example.test' }),
      w.ctx(),
    )) as typeof issued;
    ca = String((await pkiCa.run(parse(pkiCa, {}), w.ctx())).certificate);
  });
  afterAll(() => w.close());

  const check = (over: Record<string, unknown> = {}) =>
    validate.run(
      parse(validate, {
        certificate: issued.certificate,
        private_key: issued.private_key,
        ca,
        names: 'a.example.test,b.example.test',
        ...over,
      }),
      w.ctx(),
    );

  it('issues with the key masked, and a valid certificate passes every check', async () => {
    expect(issued.private_key).toBeInstanceOf(Secret);
    expect(await check()).toMatchObject({
      serial: issued.serial,
      common_name: 'a.example.test',
      names: ['a.example.test', 'b.example.test'],
    });
  });

  it('refuses a certificate from another CA, a key of another certificate, a missing name and a short life, all at once', async () => {
    const other = rsaKeyPair();
    const otherCa = (await w.vault.call('POST', 'pki/issue/web', { common_name: 'c.example.test' })).body as {
      data: { certificate: string };
    };
    await expect(
      check({
        ca: otherCa.data.certificate,
        private_key: new Secret(other.privatePem),
        names: 'a.example.test,z.example.test',
        min_valid_days: 365,
      }),
    ).rejects.toThrow(
      /failed validation: it is not signed by the CA .*; it expires at .* within 365 days; it does not cover z\.example\.test .*; the private key does not belong to it/,
    );
  });

  it('names the role when Vault refuses to issue', async () => {
    await expect(
      pkiIssue.run(parse(pkiIssue, { role: 'web', common_name: 'evil.example.com' }), w.ctx()),
    ).rejects.toThrow(/pki\/issue\/web refused to issue for evil\.example\.com \(400\)/);
  });

  it('inspect reports no certificate for an empty snapshot, and the serial of a deployed one', async () => {
    expect(await inspect.run(parse(inspect, { data: {} }), w.ctx())).toMatchObject({
      present: false,
      serial: '',
    });
    expect(
      await inspect.run(parse(inspect, { data: { 'tls.crt': new Secret(issued.certificate) } }), w.ctx()),
    ).toMatchObject({ present: true, serial: issued.serial });
  });

  it('undo of an issue revokes the certificate; revoke accepts a masked serial', async () => {
    const extra = (await pkiIssue.run(
      parse(pkiIssue, { role: 'web', common_name: 'd.example.test' }),
      w.ctx(),
    )) as { serial: string };
    await pkiIssue.undo!(parse(pkiIssue, { role: 'web', common_name: 'd.example.test' }), extra, w.ctx());
    const revoked = (await w.vault.call('GET', `pki/cert/${extra.serial}`)).body as {
      data: { revocation_time: number };
    };
    expect(revoked.data.revocation_time).toBeGreaterThan(0);
    expect(
      await pkiRevoke.run(parse(pkiRevoke, { serial: new Secret(issued.serial) }), w.ctx()),
    ).toMatchObject({ serial: issued.serial });
  });
});
