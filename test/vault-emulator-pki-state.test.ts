// The emulator's PKI (real X.509 from node-forge) and its state file.
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVaultEmulator, type VaultEmulator } from '../src/sandbox/vault/index.js';
import { raw } from './support/vault-http.js';

describe('PKI', () => {
  let vault: VaultEmulator;
  const call = (method: string, path: string, body?: unknown) =>
    raw(vault.url, method, path, { token: vault.rootToken, body });
  beforeAll(async () => {
    vault = await startVaultEmulator();
  });
  afterAll(() => vault.close());

  it("issues a certificate for a role, signed by the mount's CA, and revokes it by serial", async () => {
    const root = await call('POST', 'pki/root/generate/internal', {
      common_name: 'harmonyflow.io',
      ttl: '87600h',
    });
    expect(root.status).toBe(200);
    expect(root.body.data.private_key).toBeUndefined();
    await call('POST', 'pki/roles/web', {
      allowed_domains: 'harmonyflow.io',
      allow_subdomains: true,
      max_ttl: '72h',
    });
    const issued = await call('POST', 'pki/issue/web', { common_name: 'api.harmonyflow.io', ttl: '24h' });
    expect(issued.status).toBe(200);
    const cert = new X509Certificate(issued.body.data.certificate);
    const ca = new X509Certificate(issued.body.data.issuing_ca);
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(cert.subject).toContain('CN=api.harmonyflow.io');
    expect(cert.subjectAltName).toContain('DNS:api.harmonyflow.io');
    expect(cert.serialNumber.toLowerCase().match(/../g)!.join(':')).toBe(issued.body.data.serial_number);
    const hours = (new Date(cert.validTo).getTime() - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(23);
    expect(hours).toBeLessThan(24.1);
    expect(issued.body.data.private_key).toContain('PRIVATE KEY');

    const refused = await call('POST', 'pki/issue/web', { common_name: 'evil.example.com' });
    expect([refused.status, refused.body]).toEqual([
      400,
      { errors: ['common name evil.example.com not allowed by this role'] },
    ]);

    const revoked = await call('POST', 'pki/revoke', { serial_number: issued.body.data.serial_number });
    expect(revoked.status).toBe(200);
    expect(revoked.body.data.revocation_time).toBeGreaterThan(0);
    const read = await raw(vault.url, 'GET', `pki/cert/${issued.body.data.serial_number}`);
    expect(read.body.data.revocation_time).toBe(revoked.body.data.revocation_time);
    expect((await call('POST', 'pki/revoke', { serial_number: '00:11' })).status).toBe(400);
  });
});

describe('state file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rotor-vault-state-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('saves with mode 0600 and loads secrets, tokens and keys back', async () => {
    const stateFile = join(dir, 'vault.json');
    const first = await startVaultEmulator({
      stateFile,
      seed: (admin) => void admin.kvWrite('harmonyflow/redis', { password: 'p1' }),
    });
    const token = first.createToken({ policies: ['default'], ttl: 3600 });
    first.kvWrite('secret/harmonyflow/redis', { password: 'p2' });
    await first.close();
    expect(statSync(stateFile).mode & 0o777).toBe(0o600);

    const second = await startVaultEmulator({ stateFile, sealed: true });
    try {
      expect(second.rootToken).toBe(first.rootToken);
      expect(second.unsealKeys).toEqual(first.unsealKeys);
      for (const key of second.unsealKeys.slice(0, 3))
        await raw(second.url, 'PUT', 'sys/unseal', { body: { key } });
      expect((await raw(second.url, 'GET', 'auth/token/lookup-self', { token })).status).toBe(200);
      const res = await raw(second.url, 'GET', 'secret/data/harmonyflow/redis', { token: second.rootToken });
      expect(res.status).toBe(200);
      expect(res.body.data).toMatchObject({ data: { password: 'p2' }, metadata: { version: 2 } });
      expect(second.kvRead('secret', 'harmonyflow/redis')).toEqual({ data: { password: 'p2' }, version: 2 });
      expect(second.kvRead('harmonyflow/redis', { version: 1 })).toEqual({
        data: { password: 'p1' },
        version: 1,
      });
    } finally {
      await second.close();
    }
  });
});
