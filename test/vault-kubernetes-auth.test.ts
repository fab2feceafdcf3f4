// Vault's Kubernetes auth end to end, over real HTTP: the Kubernetes emulator issues a
// service-account token (TokenRequest), rotor's Vault connection logs in with it, and the Vault
// emulator has the token reviewed by the Kubernetes emulator (TokenReview) before it issues one.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVaultPort, vaultConfigFromEnv } from '../src/adapters/vault.js';
import type { KubeEmulator } from '../src/sandbox/kubernetes/index.js';
import { startVaultEmulator, type VaultEmulator } from '../src/sandbox/vault/index.js';
import { api, guideVault, startTestKube } from './support/kube.js';

const dir = mkdtempSync(join(tmpdir(), 'rotor-k8s-auth-'));
let kube: KubeEmulator;
let vault: VaultEmulator;

async function requestToken(namespace: string, name: string, body: unknown = { spec: {} }) {
  return api(kube, `/api/v1/namespaces/${namespace}/serviceaccounts/${name}/token`, { method: 'POST', body });
}

function tokenFile(token: string): string {
  const file = join(dir, `token-${Math.random().toString(36).slice(2)}`);
  writeFileSync(file, token, { mode: 0o600 });
  return file;
}

const connect = (role: string, file: string, mount?: string) =>
  createVaultPort(
    vaultConfigFromEnv(
      {
        VAULT_ADDR: vault.url,
        VAULT_K8S_ROLE: role,
        VAULT_K8S_TOKEN_PATH: file,
        ...(mount ? { VAULT_K8S_MOUNT: mount } : {}),
      },
      dir,
      { renewToken: false },
    ),
  );

beforeAll(async () => {
  kube = await startTestKube(guideVault());
  vault = await startVaultEmulator();
  for (const [namespace, name] of [
    ['vault', 'rotor'],
    ['default', 'intruder'],
  ])
    kube.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace } });
  vault.kvWrite('app/db', { password: 'k8s-auth-canary' });
  vault.setPolicy('rotor-cronjob', { 'secret/data/app/*': ['read'] });
  const config = await vault.call('PUT', 'auth/kubernetes/config', {
    kubernetes_host: kube.url,
    kubernetes_ca_cert: kube.caPem,
    token_reviewer_jwt: kube.token,
  });
  expect(config.status).toBe(204);
  const role = await vault.call('PUT', 'auth/kubernetes/role/rotor', {
    bound_service_account_names: 'rotor',
    bound_service_account_namespaces: 'vault',
    token_policies: 'rotor-cronjob',
    token_ttl: '1h',
  });
  expect(role.status).toBe(204);
}, 30_000);

afterAll(async () => {
  await kube?.close();
  await vault?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('service-account tokens in the Kubernetes emulator', () => {
  it('TokenRequest issues a JWT for an existing account; TokenReview says whose it is', async () => {
    const issued = await requestToken('vault', 'rotor', {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: { expirationSeconds: 600 },
    });
    expect(issued.status).toBe(201);
    expect(issued.body).toMatchObject({
      kind: 'TokenRequest',
      status: { token: expect.stringMatching(/^ey/) },
    });
    const review = await api(kube, '/apis/authentication.k8s.io/v1/tokenreviews', {
      method: 'POST',
      body: {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenReview',
        spec: { token: issued.body.status.token },
      },
    });
    expect(review.status).toBe(201);
    expect(review.body.status).toMatchObject({
      authenticated: true,
      user: {
        username: 'system:serviceaccount:vault:rotor',
        groups: expect.arrayContaining(['system:serviceaccounts:vault']),
      },
    });
    const forged = await api(kube, '/apis/authentication.k8s.io/v1/tokenreviews', {
      method: 'POST',
      body: { spec: { token: `${issued.body.status.token.slice(0, -4)}AAAA` } },
    });
    expect(forged.body.status).toMatchObject({
      authenticated: false,
      error: expect.stringContaining('invalid bearer token'),
    });
  });

  it('refuses a token for an account that does not exist, and a lifetime under ten minutes', async () => {
    expect((await requestToken('vault', 'nobody')).body).toMatchObject({
      code: 404,
      message: 'serviceaccounts "nobody" not found',
    });
    const short = await requestToken('vault', 'rotor', { spec: { expirationSeconds: 60 } });
    expect(short.status).toBe(422);
    expect(short.text).toContain('may not specify a duration less than 10 minutes');
  });
});

describe("rotor's Vault connection with Kubernetes auth", () => {
  it('logs in with the service-account token file and the role, and reads what the role allows', async () => {
    const { body } = await requestToken('vault', 'rotor');
    const port = await connect('rotor', tokenFile(body.status.token));
    try {
      const secret = await port.kvRead({ mount: 'secret', path: 'app/db' });
      expect(secret.data.password).toBe('k8s-auth-canary');
    } finally {
      port.close();
    }
  });

  it.each([
    [
      'another account',
      'default',
      'intruder',
      'rotor',
      /was refused: service account name not authorized \(403\)/,
    ],
    ['an unknown role', 'vault', 'rotor', 'nope', /role nope was refused: invalid role name "nope" \(400\)/],
  ])(
    'is refused for %s, naming the mount, the role and what Vault said',
    async (_what, namespace, name, role, message) => {
      const { body } = await requestToken(namespace, name);
      const error = (await connect(role, tokenFile(body.status.token)).catch((e: unknown) => e)) as Error;
      expect(error.message).toMatch(/^Kubernetes login at auth\/kubernetes\/login as role/);
      expect(error.message).toMatch(message);
      expect(error.message).not.toContain(body.status.token);
    },
  );

  it('is refused for a forged token (the review fails: 403), and names a missing token file (exit 2)', async () => {
    const { body } = await requestToken('vault', 'rotor');
    const forged = (await connect('rotor', tokenFile(`${body.status.token.slice(0, -4)}AAAA`)).catch(
      (e: unknown) => e,
    )) as Error;
    expect(forged.message).toContain('was refused: permission denied (403)');
    const missing = await connect('rotor', join(dir, 'no-such-token')).catch((e: unknown) => e);
    expect(missing).toMatchObject({
      exitCode: 2,
      message: `the service-account token file ${join(dir, 'no-such-token')} cannot be read`,
    });
  });
});
