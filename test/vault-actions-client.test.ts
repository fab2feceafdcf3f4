// The Vault client set-up: the Vault CLI's environment conventions, AppRole, token renewal.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVaultPort, vaultConfigFromEnv } from '../src/adapters/vault.js';
import { isVaultError } from '../src/ports/vault-port.js';
import { UsageError } from '../src/errors.js';
import { startVaultEmulator, type VaultEmulator } from '../src/sandbox/vault/index.js';

let vault: VaultEmulator;
const home = mkdtempSync(join(tmpdir(), 'rotor-vault-client-'));
const at = { mount: 'secret', path: 'harmonyflow/redis' };

beforeAll(async () => {
  vault = await startVaultEmulator();
  vault.kvWrite('harmonyflow/redis', { password: 'p' });
  vault.setPolicy('redis', { 'secret/data/harmonyflow/*': ['read'] });
});
afterAll(async () => {
  await vault.close();
  rmSync(home, { recursive: true, force: true });
});

describe('vaultConfigFromEnv', () => {
  it('takes VAULT_TOKEN first, then ~/.vault-token, as the Vault CLI does', () => {
    writeFileSync(join(home, '.vault-token'), 'hvs.from-file\n');
    const fromEnv = vaultConfigFromEnv({ VAULT_ADDR: vault.url, VAULT_TOKEN: 'hvs.from-env' }, home);
    expect([fromEnv.token?.reveal(), fromEnv.tokenSource]).toEqual(['hvs.from-env', 'VAULT_TOKEN']);
    const fromFile = vaultConfigFromEnv({ VAULT_ADDR: vault.url }, home);
    expect([fromFile.token?.reveal(), fromFile.tokenSource]).toEqual(['hvs.from-file', '~/.vault-token']);
    expect(JSON.stringify(fromFile)).not.toContain('hvs.from-file');
    rmSync(join(home, '.vault-token'));
  });

  it('defaults, namespace, TLS settings and AppRole variables', () => {
    const config = vaultConfigFromEnv(
      { VAULT_NAMESPACE: 'team-a', VAULT_SKIP_VERIFY: 'true', VAULT_ROLE_ID: 'r', VAULT_SECRET_ID: 's' },
      home,
    );
    expect(config).toMatchObject({
      address: 'https://127.0.0.1:8200',
      namespace: 'team-a',
      skipVerify: true,
      appRole: { roleId: 'r', mount: 'approle' },
    });
    expect(config.appRole!.secretId.reveal()).toBe('s');
  });

  it('refuses settings that cannot work, before anything is sent', () => {
    expect(() => vaultConfigFromEnv({ VAULT_ADDR: 'vault:8200' }, home)).toThrow(UsageError);
    expect(() => vaultConfigFromEnv({ VAULT_SKIP_VERIFY: 'maybe' }, home)).toThrow(
      'VAULT_SKIP_VERIFY="maybe" is not a boolean',
    );
    expect(() => vaultConfigFromEnv({ VAULT_CACERT: join(home, 'missing.pem') }, home)).toThrow(
      /VAULT_CACERT file .* does not exist/,
    );
    expect(() => vaultConfigFromEnv({ VAULT_ROLE_ID: 'r' }, home)).toThrow(
      'VAULT_ROLE_ID is set without VAULT_SECRET_ID',
    );
  });
});

describe('createVaultPort', () => {
  it('sends the namespace, and only the config decides the token (not process.env)', async () => {
    const saved = process.env.VAULT_TOKEN;
    process.env.VAULT_TOKEN = vault.rootToken;
    try {
      const port = await createVaultPort(
        vaultConfigFromEnv({ VAULT_ADDR: vault.url, VAULT_NAMESPACE: 'ops' }, home),
      );
      const error = await port.kvRead(at).catch((e) => e);
      expect(isVaultError(error, 'invalid-token')).toBe(true);
      expect(vault.namespacesSeen.has('ops')).toBe(true);
      port.close();
    } finally {
      if (saved === undefined) delete process.env.VAULT_TOKEN;
      else process.env.VAULT_TOKEN = saved;
    }
  });

  it('logs in with AppRole when there is no token', async () => {
    const { roleId, secretId } = vault.createAppRole('rotor', { policies: ['redis'], tokenTtl: 600 });
    const port = await createVaultPort(
      vaultConfigFromEnv({ VAULT_ADDR: vault.url, VAULT_ROLE_ID: roleId, VAULT_SECRET_ID: secretId }, home),
    );
    expect((await port.kvRead(at)).data).toEqual({ password: 'p' });
    port.close();
    const refused = await createVaultPort(
      vaultConfigFromEnv({ VAULT_ADDR: vault.url, VAULT_ROLE_ID: roleId, VAULT_SECRET_ID: 'wrong' }, home),
    ).catch((e) => e);
    expect(refused.message).toBe(
      'AppRole login at auth/approle/login was refused: invalid role or secret ID (400)',
    );
  });

  it('renews its token during a long run; without renewal the token runs out', async () => {
    const renewed = await createVaultPort(
      vaultConfigFromEnv(
        { VAULT_ADDR: vault.url, VAULT_TOKEN: vault.createToken({ policies: ['redis'], ttl: 2 }) },
        home,
      ),
    );
    const lapsing = await createVaultPort(
      vaultConfigFromEnv(
        { VAULT_ADDR: vault.url, VAULT_TOKEN: vault.createToken({ policies: ['redis'], ttl: 2 }) },
        home,
        { renewToken: false },
      ),
    );
    try {
      await new Promise((r) => setTimeout(r, 3500));
      expect((await renewed.kvRead(at)).version).toBe(1);
      expect(isVaultError(await lapsing.kvRead(at).catch((e) => e), 'invalid-token')).toBe(true);
    } finally {
      renewed.close();
      lapsing.close();
    }
  });
});
