// `rotor doctor` from the built CLI against the Vault emulator over HTTP: a root token warns, a
// token with only rotor-operator.hcl is ok, extra writes and missing capabilities are named, and
// bad usage exits 2.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVaultEmulator, type VaultEmulator } from '../src/sandbox/vault/index.js';
import { runCli, tempHome } from './support/cli.js';
import { raw } from './support/vault-http.js';

let vault: VaultEmulator;
const home = tempHome();

const operatorHcl = () =>
  readFileSync(resolve(import.meta.dirname, '../deploy/vault-policies/rotor-operator.hcl'), 'utf8')
    .replaceAll('TEAM_PREFIX', 'harmonyflow')
    .replaceAll('TRANSIT_KEY', 'session-state');

async function tokenWithOnly(...policies: string[]): Promise<string> {
  const created = await raw(vault.url, 'POST', 'auth/token/create', {
    token: vault.rootToken,
    body: { policies, no_default_policy: true },
  });
  expect(created.status, created.text).toBe(200);
  return created.body.auth.client_token as string;
}

const doctor = (token: string, args: string[] = []) =>
  runCli(['doctor', '--env', 'local', ...args], {
    ROTOR_HOME: home.home,
    VAULT_ADDR: vault.url,
    VAULT_TOKEN: token,
  });

/** The lines as [status, check] pairs, for comparing the shape of the report. */
const shape = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .map((l) => {
      const m = /^(ok|warn|fail|not judged)\s+([^:]+):/.exec(l);
      return m ? [m[1], m[2]] : ['?', l];
    });

beforeAll(async () => {
  vault = await startVaultEmulator();
  vault.setPolicy('rotor-operator', operatorHcl());
});
afterAll(async () => {
  await vault?.close();
  home.cleanup();
});

describe('rotor doctor', () => {
  it('is ok for a token with only rotor-operator, and says what it could not judge', async () => {
    const r = await doctor(await tokenWithOnly('rotor-operator'));
    expect({ code: r.code, lines: shape(r.stdout) }, r.stdout + r.stderr).toEqual({
      code: 0,
      lines: [
        ['ok', 'vault'],
        ['ok', 'token'],
        ['ok', 'root'],
        ['ok', 'needed'],
        ['ok', 'runbooks'],
        ['ok', 'more than needed'],
        ['ok', "outside rotor's paths"],
        ['not judged', 'policy store'],
      ],
    });
    expect(r.stdout).toContain(
      "ok          needed: the token has what every run needs: the team's secrets, rotor's store, its own token (13 paths of rotor-operator.hcl)",
    );
    expect(r.stdout).toContain(
      'ok          runbooks: the token can run encryption-key, postgres-dynamic, certificate (transit, database, PKI)',
    );
    expect(r.stdout).toContain(
      'not judged  policy store: who else can write secret/rotor/ is not visible to this token (it cannot list sys/policies/acl)',
    );
  });

  it('warns about a root token, and names the other policies that can write the policy store', async () => {
    vault.setPolicy('team-writer', 'path "secret/data/*" { capabilities = ["create", "read", "update"] }');
    try {
      const r = await doctor(vault.rootToken);
      expect(r.code, r.stdout + r.stderr).toBe(1);
      expect(r.stdout).toContain(
        'warn        root: the token has the root policy: it can do anything in Vault; give rotor a token with rotor-operator only (deploy/vault-policies/rotor-operator.hcl)',
      );
      expect(r.stdout).toMatch(
        /^warn {8}policy store: policies team-writer can also write secret\/rotor\/: every token holding them can change what rotor rotates and how/m,
      );
    } finally {
      await vault.call('DELETE', 'sys/policies/acl/team-writer');
    }
  });

  it('warns when the token can write beyond what rotor needs', async () => {
    vault.setPolicy(
      'too-much',
      `path "sys/policies/acl/*" { capabilities = ["create", "update"] }
path "secret/data/harmonyflow/*" { capabilities = ["create", "read", "update", "patch", "delete"] }
path "secret/data/*" { capabilities = ["update"] }`,
    );
    const r = await doctor(await tokenWithOnly('rotor-operator', 'too-much'));
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toContain(
      'warn        more than needed: the token also has delete on secret/data/harmonyflow/*: rotor never uses them',
    );
    expect(r.stdout).toContain(
      "warn        outside rotor's paths: the token can write where rotor never does: update, create on sys/policies/acl/rotor-doctor-probe (it could change Vault policies (grant itself anything)); update on secret/data/rotor-doctor-probe/x (it could write KV secrets outside harmonyflow/ and rotor's store)",
    );
  });

  it('fails when a needed capability is missing, naming it and the path', async () => {
    vault.setPolicy(
      'rotor-operator-no-patch',
      operatorHcl().replace('["create", "read", "update", "patch"]', '["create", "read", "update"]'),
    );
    const r = await doctor(await tokenWithOnly('rotor-operator-no-patch'));
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toContain(
      'fail        needed: the token lacks "patch" on secret/data/harmonyflow/*: runs stop with 403 there (add them from deploy/vault-policies/rotor-operator.hcl)',
    );
  });

  it('warns, naming the runbook, when only an engine rule is missing', async () => {
    vault.setPolicy(
      'rotor-operator-no-pki',
      operatorHcl().replace(/# certificate: [^\n]*\npath "pki\/[^"]+" \{[^}]*\}\n/g, ''),
    );
    expect(operatorHcl()).toContain('path "pki/revoke"');
    const r = await doctor(await tokenWithOnly('rotor-operator-no-pki'));
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toContain(
      'warn        runbooks: the token cannot run certificate (lacks "update" on pki/issue/harmonyflow; "update" on pki/revoke; "list" on pki/certs): add those rules from deploy/vault-policies/rotor-operator.hcl, or leave them out if the team does not use that engine',
    );
    expect(r.stdout).toMatch(/^ok {10}needed: /m);
  });

  it('checks the CronJob policy with --role cronjob: an operator token may write more there', async () => {
    const r = await doctor(await tokenWithOnly('rotor-operator'), ['--role', 'cronjob']);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toContain(
      'warn        more than needed: the token also has update, create on secret/data/rotor/policies/*: rotor never uses them',
    );
  });

  it('exits 2 on bad usage, before asking Vault anything', async () => {
    for (const args of [
      ['--role', 'admin'],
      ['--prefix', '../admin'],
      ['--prefix', 'team/*'],
    ]) {
      const r = await doctor(vault.rootToken, args);
      expect({ code: r.code, out: r.stdout }, r.stderr).toEqual({ code: 2, out: '' });
      expect(r.stderr).toMatch(
        /^rotor: (unknown role "admin"|--prefix ".*" is not a plain Vault path)\n {2}→ /,
      );
    }
    const none = await runCli(['doctor', '--env', 'local'], { ROTOR_HOME: home.home, VAULT_ADDR: '' });
    expect(none.code, none.stderr).toBe(2);
    expect(none.stderr).toContain('environment local has no Vault configured');
  });
});
