import type { GuideSecrets } from './guide-secrets.js';
import { SANDBOX_HOSTS } from './guide-secrets.js';
import { writeAgedSecrets } from './secret-ages.js';
import type { VaultEmulator } from './vault/index.js';

/**
 * Fills a fresh Vault emulator like the guide's: the KV secrets of its table, a transit key for
 * the encryption key, the database engine over the sandbox PostgreSQL, and a PKI for certificates.
 */
export async function seedVault(vault: VaultEmulator, secrets: GuideSecrets): Promise<void> {
  const ok = async (method: string, path: string, body?: unknown) => {
    const reply = await vault.call(method, path, body);
    if (reply.status >= 400) throw new Error(`seeding ${path} failed with ${reply.status}`);
  };
  await ok('POST', 'transit/keys/session-state', { type: 'aes256-gcm96' });
  await ok('POST', 'database/config/harmonyflow', {
    plugin_name: 'postgresql-database-plugin',
    connection_url: `postgresql://{{username}}:{{password}}@${SANDBOX_HOSTS.postgres}/postgres`,
    username: 'postgres',
    password: secrets.postgresSuperuserPassword,
    allowed_roles: ['harmonyflow'],
  });
  await ok('POST', 'database/static-roles/harmonyflow', {
    db_name: 'harmonyflow',
    username: 'harmonyflow',
    rotation_period: '768h',
  });
  // Creating the static role rotated harmonyflow's password (Vault took ownership), so the KV copy
  // the application reads starts with that one: KV, Vault's static role and the database agree.
  const creds = await vault.call('GET', 'database/static-creds/harmonyflow');
  secrets.kv['harmonyflow/postgresql'].password = (
    creds.body as { data: { password: string } }
  ).data.password;
  // Written months ago, as in a Vault that has served a while (secret-ages.ts).
  writeAgedSecrets(vault, secrets.kv, Date.now());
  await ok('POST', 'pki/root/generate/internal', {
    common_name: 'HarmonyFlow Sandbox Root CA',
    ttl: '87600h',
  });
  await ok('POST', 'pki/roles/harmonyflow', {
    allowed_domains: ['harmonyflow.io', 'harmonyflow.sandbox'],
    allow_subdomains: true,
    max_ttl: '2160h',
  });
  // The service's TLS certificate as deployed before any drill, so the certificate runbook has an old one to replace and revoke.
  const issued = await vault.call('POST', 'pki/issue/harmonyflow', {
    common_name: 'api.harmonyflow.io',
    ttl: '720h',
  });
  const cert = (issued.body as { data: Record<string, string> }).data;
  vault.kvWrite('harmonyflow/tls', {
    'tls.crt': cert.certificate,
    'tls.key': cert.private_key,
    'ca.crt': cert.issuing_ca,
    serial: cert.serial_number,
  });
}
