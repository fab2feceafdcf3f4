import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createActionRegistry } from '../src/actions/index.js';
import { Secret } from '../src/engine/secret.js';
import { UsageError } from '../src/errors.js';
import { checkInventory } from '../src/inventory/check.js';
import { describeInputs } from '../src/inventory/describe-inputs.js';
import { findInventory, openInventory } from '../src/inventory/find.js';
import { inventoryLayer, sourced } from '../src/inventory/layers.js';
import { declaredRunbooks } from '../src/inventory/load-inventory.js';
import { parseInventory } from '../src/inventory/load.js';
import { inventoryProfiles } from '../src/inventory/profiles.js';
import { trustInventory } from '../src/inventory/trust.js';
import { VaultRef } from '../src/runbook/input-values.js';
import { resolveInputs } from '../src/runbook/inputs.js';
import { loadCatalog } from '../src/session/catalog.js';
import { printSchema } from '../src/commands/catalog-commands.js';
import { parsePolicy } from '../src/policy/policy.js';
import { checkRunbookFits, rotationInputs } from '../src/policy/policy-runbook.js';

const catalog = loadCatalog(createActionRegistry());
const runbooks = declaredRunbooks(catalog);
const redis = catalog.get('redis')!.runbook;

const GOOD = `environments:
  production:
    protected: true
    vault:
      address: https://vault.harmonyflow.io
      namespace: harmonyflow
      ca_cert: ca.pem
    kubernetes: { context: production }
    inputs:
      namespace: harmonyflow-production
      kubernetes: true
    runbooks:
      redis:
        nodes: redis-cluster-0.redis-production:6379,redis-cluster-1.redis-production:6379
        namespace: redis-override
      postgres:
        admin_url: { vault: harmonyflow/postgres-admin, field: url }
  staging:
    vault: { address: https://vault.staging.harmonyflow.io, auth: { method: approle, role_id: rotor } }
    inputs: { namespace: harmonyflow-staging }
`;

/** The refusal a text gets, loaded and checked as rotor does. */
function refusal(text: string): string {
  try {
    checkInventory(parseInventory(text, 'inv.yaml'), runbooks);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error('the inventory was accepted');
}

describe('inventory file', () => {
  it('loads, and becomes profiles with paths next to the file', () => {
    const loaded = parseInventory(GOOD, '/repo/ops/rotor.inventory.yaml');
    checkInventory(loaded, runbooks);
    const [production, staging] = inventoryProfiles(loaded);
    expect(production).toMatchObject({
      name: 'production',
      protected: true,
      vaultAddr: 'https://vault.harmonyflow.io',
      vaultNamespace: 'harmonyflow',
      vaultCaCert: '/repo/ops/ca.pem',
      kubeContext: 'production',
      vaultAuth: { method: 'token' },
    });
    expect(staging.vaultAuth).toEqual({
      method: 'approle',
      role_id: 'rotor',
      secret_id_env: 'VAULT_SECRET_ID',
      mount: 'approle',
    });
  });

  it('names file:line:col for every kind of mistake', () => {
    expect(refusal('environments:\n  production:\n    vault: { adress: https://v }\n')).toBe(
      'inv.yaml:3:14: unknown field "adress" in environments.production.vault',
    );
    expect(refusal('environments:\n  sandbox: {}\n')).toMatch(/^inv\.yaml:2:3: .*built in/);
    expect(refusal('environments:\n  p:\n    runbooks:\n      rediss: { nodes: a:1 }\n')).toBe(
      'inv.yaml:4:7: unknown runbook "rediss"',
    );
    expect(refusal('environments:\n  p:\n    runbooks:\n      redis: { node: a:1 }\n')).toBe(
      'inv.yaml:4:16: runbook redis has no input "node"',
    );
    expect(refusal('environments:\n  p:\n    inputs:\n      namespaec: x\n')).toBe(
      'inv.yaml:4:7: unknown input "namespaec": no runbook declares it',
    );
    // A secret written in clear in a file kept in git.
    expect(
      refusal(
        'environments:\n  p:\n    runbooks:\n      postgres:\n        admin_url: postgres://u:pw@h/db\n',
      ),
    ).toMatch(/^inv\.yaml:5:20: input admin_url is secret/);
    expect(
      refusal(
        'environments:\n  p:\n    runbooks:\n      postgres:\n        admin_url: { vault: secret/data/x, field: url }\n',
      ),
    ).toMatch(/^inv\.yaml:5:\d+: environments\.p\.runbooks\.postgres\.admin_url/);
    expect(refusal('environments:\n  p:\n    runbooks:\n      redis: { mode: both }\n')).toBe(
      'inv.yaml:4:22: input mode: "both" is not one of requirepass, acl',
    );
    expect(refusal('environments:\n  p: [\n')).toMatch(/^inv\.yaml:\d+:\d+: malformed YAML/);
  });
});

describe('input precedence', () => {
  const loaded = parseInventory(GOOD, 'inv.yaml');
  const layer = inventoryLayer(loaded, 'production', 'redis', redis.inputs);

  it('the runbook section beats the shared one, which beats the default; each names its line', () => {
    const shown = Object.fromEntries(describeInputs(redis, layer).map((i) => [i.name, i]));
    expect(shown.namespace).toMatchObject({
      value: 'redis-override',
      source: 'inventory-runbook',
      where: 'inv.yaml:15:20',
    });
    expect(shown.kubernetes).toMatchObject({
      value: 'true',
      source: 'inventory-shared',
      where: 'inv.yaml:11:19',
    });
    expect(shown.secret_path).toMatchObject({ value: 'harmonyflow/redis', source: 'default' });
  });

  it('--set beats a policy, which beats ROTOR_INPUT_*, which beats the inventory', () => {
    const shown = (...layers: Parameters<typeof describeInputs>[1][]) =>
      Object.fromEntries(describeInputs(redis, ...layers).map((i) => [i.name, [i.value, i.source]]));
    const set = sourced({ namespace: 'from-set' }, 'set');
    const policy = sourced({ namespace: 'from-policy', nodes: 'p:1' }, 'policy');
    expect(shown(set, policy, layer).namespace).toEqual(['from-set', 'set']);
    expect(shown(policy, layer).namespace).toEqual(['from-policy', 'policy']);
    expect(shown(policy, layer).nodes).toEqual(['p:1', 'policy']);
    const pg = catalog.get('postgres')!.runbook;
    const pgLayer = inventoryLayer(loaded, 'production', 'postgres', pg.inputs);
    const admin = (...layers: Parameters<typeof describeInputs>[1][]) =>
      describeInputs(pg, ...layers).find((i) => i.name === 'admin_url');
    expect(admin(pgLayer)).toMatchObject({
      value: 'vault:secret/harmonyflow/postgres-admin#url',
      source: 'inventory-runbook',
      secret: true,
    });
    expect(admin(sourced({ admin_url: new Secret('x') }, 'environment'), pgLayer)).toMatchObject({
      value: '••••••',
      source: 'environment',
    });
  });

  it('a Vault reference is known only once read: a preview leaves it unjudged, a run refuses it unread', () => {
    const pg = catalog.get('postgres')!.runbook;
    const given = { admin_url: new VaultRef('harmonyflow/postgres-admin', 'url'), db_url: 'postgres://h/db' };
    expect(resolveInputs(pg, given, {}, { preview: true }).admin_url).toBe(
      '‹vault:secret/harmonyflow/postgres-admin#url›',
    );
    expect(() => resolveInputs(pg, given, {})).toThrow(/was not read from Vault/);
  });
});

describe('finding and trusting', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
  const dir = () => {
    const d = mkdtempSync(join(tmpdir(), 'rotor-inv-'));
    dirs.push(d);
    return d;
  };

  it('flag, then ROTOR_INVENTORY, then the working folder, then the user config', () => {
    const home = dir();
    const cwd = dir();
    const env = { ROTOR_HOME: home };
    expect(findInventory({ env, cwd })).toBeUndefined();
    const user = join(home, 'config', 'inventory.yaml');
    mkdirSync(join(home, 'config'));
    writeFileSync(user, GOOD);
    expect(findInventory({ env, cwd })).toEqual({ file: user, by: 'user config' });
    writeFileSync(join(cwd, 'rotor.inventory.yaml'), GOOD);
    expect(findInventory({ env, cwd })?.by).toBe('working folder');
    writeFileSync(join(cwd, 'other.yaml'), GOOD);
    expect(findInventory({ env: { ...env, ROTOR_INVENTORY: 'other.yaml' }, cwd })).toEqual({
      file: join(cwd, 'other.yaml'),
      by: 'ROTOR_INVENTORY',
    });
    expect(findInventory({ flag: user, env: { ...env, ROTOR_INVENTORY: 'other.yaml' }, cwd })?.by).toBe(
      '--inventory',
    );
    expect(() => findInventory({ flag: 'missing.yaml', env, cwd })).toThrow(
      /missing\.yaml \(--inventory\) does not exist/,
    );
  });

  it('one in the working folder is used only once trusted, and again after each change', () => {
    const home = dir();
    const cwd = dir();
    const env = { ROTOR_HOME: home };
    const file = join(cwd, 'rotor.inventory.yaml');
    writeFileSync(file, GOOD);
    const found = findInventory({ env, cwd })!;
    expect(() => openInventory(found, env)).toThrow(/is not trusted/);
    try {
      openInventory(found, env);
    } catch (error) {
      expect((error as UsageError).hint).toContain('rotor env trust');
      expect((error as UsageError).exitCode).toBe(2);
    }
    trustInventory(env, file, parseInventory(GOOD, file).hash);
    expect(Object.keys(openInventory(found, env).inventory.environments)).toEqual(['production', 'staging']);
    // A pull that points production's Vault elsewhere is not used until trusted again.
    writeFileSync(file, GOOD.replace('vault.harmonyflow.io', 'vault.attacker.example'));
    expect(() => openInventory(found, env)).toThrow(/changed since it was trusted/);
    // Named explicitly, it needs no trust step.
    expect(openInventory({ file, by: '--inventory' }, env).file).toBe(file);
  });
});

describe('rotor schema', () => {
  it('prints the runbook schema by default and the inventory schema on request', () => {
    const out: string[] = [];
    const io = { stdout: (s: string) => out.push(s) } as never;
    printSchema(io);
    printSchema(io, 'inventory');
    const [runbook, inventory] = out.map((s) => JSON.parse(s));
    expect(runbook.title).toBe('rotor runbook');
    expect(runbook.properties.steps).toBeDefined();
    expect(inventory.title).toBe('rotor inventory');
    const env = inventory.properties.environments.additionalProperties;
    expect(Object.keys(env.properties)).toEqual(
      expect.arrayContaining([
        'protected',
        'allow_insecure_tls',
        'vault',
        'kubernetes',
        'inputs',
        'runbooks',
      ]),
    );
    expect(() => printSchema(io, 'policy')).toThrow(/no schema "policy"/);
  });
});

describe('a rotation policy may hold a Vault reference, never a secret', () => {
  const pg = catalog.get('postgres')!.runbook;
  const policyWith = (admin_url: unknown) =>
    parsePolicy({
      secret_path: 'harmonyflow/postgresql',
      rotation_type: 'manual',
      runbook: 'postgres',
      inputs: { admin_url, db_url: 'postgresql://postgresql-primary.postgresql:5432/harmonyflow' },
    });

  it('a reference is kept, and runs as one read at run time that says which policy named it', () => {
    const policy = policyWith({ vault: 'harmonyflow/postgres-admin', field: 'url' });
    expect(() => checkRunbookFits(policy, pg.inputs)).not.toThrow();
    const given = rotationInputs(policy, pg.inputs);
    expect(given.admin_url).toBeInstanceOf(VaultRef);
    expect(String(given.admin_url)).toBe('vault:secret/harmonyflow/postgres-admin#url');
    expect((given.admin_url as VaultRef).origin).toBe('policy harmonyflow/postgresql');
    expect(given.secret_path).toBe('harmonyflow/postgresql');
  });

  it('the secret itself is refused, with the reference as the way', () => {
    expect(() => checkRunbookFits(policyWith('postgres://postgres:pw@h/postgres'), pg.inputs)).toThrow(
      /a secret input cannot be kept in a policy \(only where it is in Vault/,
    );
    expect(() => policyWith({ vault: 'harmonyflow/x', field: 'url', extra: 1 })).toThrow();
  });
});
