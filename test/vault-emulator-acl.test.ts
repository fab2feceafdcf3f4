// The emulator's ACL must decide as Vault's does (vault/acl.go: exact rule, then the longest `*`
// prefix ranked against `+` segment patterns; deny wins in a merge; capabilities-self checks as a
// list). A more lenient emulator would let the rotor-policy tests pass with a policy that real
// Vault refuses. Everything here goes over raw HTTP, as curl would see it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVaultEmulator, type VaultEmulator } from '../src/sandbox/vault/index.js';
import { PERMISSION_DENIED_BODY, raw } from './support/vault-http.js';

let vault: VaultEmulator;
const root = (method: string, path: string, body?: unknown) =>
  raw(vault.url, method, path, { token: vault.rootToken, body });

/** A token holding only the given policy (plus `default`), set from HCL text. */
function tokenWith(name: string, hcl: string): string {
  vault.setPolicy(name, hcl);
  return vault.createToken({ policies: [name] });
}

const status = async (token: string, method: string, path: string, body?: unknown) => {
  const res = await raw(vault.url, method, path, {
    token,
    body,
    contentType: method === 'PATCH' ? 'application/merge-patch+json' : undefined,
  });
  return res.status;
};

beforeAll(async () => {
  vault = await startVaultEmulator();
  for (const p of ['team/a/db', 'team/a/b/db', 'xzzy', 'x+y', 'shared/k', 'ok/x', 'other/x', 'team/db'])
    expect((await root('POST', `secret/data/${p}`, { data: { v: '1' } })).status).toBe(200);
});
afterAll(() => vault.close());

describe('Vault emulator ACL, as Vault decides', () => {
  it('a "+" stands for exactly one whole segment; inside a segment it is a literal character', async () => {
    const token = tokenWith(
      'segments',
      `path "secret/data/team/+/db" { capabilities = ["read"] }
path "secret/data/x+y" { capabilities = ["read"] }`,
    );
    expect(await status(token, 'GET', 'secret/data/team/a/db')).toBe(200);
    expect(await status(token, 'GET', 'secret/data/team/a/b/db')).toBe(403);
    expect(await status(token, 'GET', 'secret/data/x+y')).toBe(200);
    const denied = await raw(vault.url, 'GET', 'secret/data/xzzy', { token });
    expect(denied.status).toBe(403);
    expect(denied.body).toEqual(PERMISSION_DENIED_BODY);
  });

  it('deny wins when two policies name the same pattern; a more specific allow beats a broader deny', async () => {
    vault.setPolicy('reads-shared', 'path "secret/data/shared/*" { capabilities = ["read"] }');
    vault.setPolicy('denies-shared', 'path "secret/data/shared/*" { capabilities = ["deny"] }');
    const both = vault.createToken({ policies: ['reads-shared', 'denies-shared'] });
    expect(await status(both, 'GET', 'secret/data/shared/k')).toBe(403);
    const specific = tokenWith(
      'specific-allow',
      `path "secret/data/*" { capabilities = ["deny"] }
path "secret/data/ok/x" { capabilities = ["read"] }`,
    );
    expect(await status(specific, 'GET', 'secret/data/ok/x')).toBe(200);
    expect(await status(specific, 'GET', 'secret/data/other/x')).toBe(403);
  });

  it('ranks a later first wildcard above an earlier one, and an exact pattern above both', async () => {
    const token = tokenWith(
      'ranked',
      `path "secret/data/+/db" { capabilities = ["deny"] }
path "secret/data/team/*" { capabilities = ["read"] }
path "secret/data/+/a/db" { capabilities = ["read"] }
path "secret/data/team/a/db" { capabilities = ["deny"] }`,
    );
    // secret/data/team/* (first wildcard at 17) outranks secret/data/+/db (at 12).
    expect(await status(token, 'GET', 'secret/data/team/db')).toBe(200);
    // The exact pattern decides, whatever the wildcards say.
    expect(await status(token, 'GET', 'secret/data/team/a/db')).toBe(403);
  });

  it('KV v2 data/ and metadata/ are separate paths; PATCH needs "patch", a new secret needs "create"', async () => {
    const token = tokenWith('data-only', 'path "secret/data/team/*" { capabilities = ["read", "update"] }');
    expect(await status(token, 'GET', 'secret/data/team/db')).toBe(200);
    expect(await status(token, 'GET', 'secret/metadata/team/db')).toBe(403);
    expect(await status(token, 'PATCH', 'secret/data/team/db', { data: { v: '2' } })).toBe(403);
    expect(await status(token, 'POST', 'secret/data/team/new', { data: { v: '1' } })).toBe(403);
    expect(await status(token, 'POST', 'secret/data/team/db', { data: { v: '3' } })).toBe(200);
  });

  it('a list is also checked without its trailing slash, first, as Vault does', async () => {
    const exact = tokenWith('list-exact', 'path "secret/metadata/team" { capabilities = ["list"] }');
    const listed = await raw(vault.url, 'GET', 'secret/metadata/team?list=true', { token: exact });
    expect(listed.status).toBe(200);
    expect(listed.body.data.keys).toContain('db');
    const glob = tokenWith(
      'list-glob',
      `path "secret/metadata/tea*" { capabilities = ["list"] }
path "secret/metadata/team/*" { capabilities = ["deny"] }`,
    );
    expect(await status(glob, 'GET', 'secret/metadata/team?list=true')).toBe(200);
    expect(await status(glob, 'GET', 'secret/metadata/team/db')).toBe(403);
  });

  it('sys/capabilities-self answers in Vault order, "deny" for no match, "root" for a root token', async () => {
    const token = tokenWith(
      'everything',
      'path "secret/data/all/*" { capabilities = ["create", "read", "update", "patch", "delete", "list", "sudo"] }',
    );
    const res = await raw(vault.url, 'POST', 'sys/capabilities-self', {
      token,
      body: { paths: ['secret/data/all/x', 'secret/data/elsewhere'] },
    });
    expect(res.status).toBe(200);
    expect(res.body.data['secret/data/all/x']).toEqual([
      'sudo',
      'read',
      'list',
      'update',
      'delete',
      'create',
      'patch',
    ]);
    expect(res.body.data['secret/data/elsewhere']).toEqual(['deny']);
    const asRoot = await root('POST', 'sys/capabilities-self', { paths: ['anything'] });
    expect(asRoot.body.data).toEqual({ anything: ['root'], capabilities: ['root'] });
  });

  it('refuses "+*" in a policy path with 400, as Vault does', async () => {
    const res = await root('PUT', 'sys/policies/acl/bad', {
      policy: 'path "secret/data/+*" { capabilities = ["read"] }',
    });
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toContain("invalid use of wildcards ('+*' is forbidden)");
  });

  it('sys/seal needs "sudo" as well as "update"', async () => {
    const without = tokenWith('seal-no-sudo', 'path "sys/seal" { capabilities = ["update"] }');
    expect(await status(without, 'PUT', 'sys/seal', {})).toBe(403);
    expect(vault.isSealed()).toBe(false);
    const withSudo = tokenWith('seal-sudo', 'path "sys/seal" { capabilities = ["update", "sudo"] }');
    expect(await status(withSudo, 'PUT', 'sys/seal', {})).toBe(204);
    expect(vault.isSealed()).toBe(true);
    vault.unseal();
  });
});
