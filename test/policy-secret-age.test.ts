// A secret's age comes from Vault: with no rotation recorded, `rotor due` and `status` count from
// when the secret's current version was written (KV metadata), not from the policy's creation,
// and a policy whose secret does not exist says so.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { VaultError, type KvMetadata } from '../src/ports/vault-port.js';
import { dueStates } from '../src/policy/due-index.js';
import { parsePolicy } from '../src/policy/policy.js';
import { readSecretAges, type SecretMetadataReader } from '../src/policy/secret-age.js';
import { startVaultEmulator, type VaultEmulator } from '../src/sandbox/vault/index.js';
import { runCli, tempHome } from './support/cli.js';

const DAY = 86_400_000;
let vault: VaultEmulator;
beforeAll(async () => {
  vault = await startVaultEmulator();
});
afterAll(async () => {
  await vault?.close();
});
const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

let n = 0;
function setup() {
  const { home, cleanup } = tempHome();
  cleanups.push(cleanup);
  const env = {
    ROTOR_HOME: home,
    VAULT_ADDR: vault.url,
    VAULT_TOKEN: vault.rootToken,
    ROTOR_STORE_PREFIX: `rotor-age-${++n}`,
  };
  /** Adds a 90-day policy created now, which must work. */
  const add = async (path: string, envName = 'local') => {
    const file = join(home, `${path.replace(/\W/g, '-')}.json`);
    writeFileSync(
      file,
      JSON.stringify({ secret_path: path, rotation_type: 'scheduled', rotation_period_days: 90 }),
    );
    const r = await runCli(['policy', 'add', '--file', file, '--env', envName], env);
    expect([r.code, r.stderr]).toEqual([0, '']);
  };
  const rotor = (args: string[], envName = 'local') => runCli([...args, '--env', envName], env);
  return { env, add, rotor };
}
const json = <T>(text: string): T => JSON.parse(text) as T;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

interface Line {
  secret_path: string;
  due: boolean;
  reason: string;
  last_rotated?: string;
  next_rotation?: string;
  secret_missing?: boolean;
}

describe('a new policy on a secret last written long ago', () => {
  it('is due now, counted from when Vault says the current version was written, and status says why', async () => {
    const { add, rotor } = setup();
    const now = Date.now();
    for (const age of [400, 300, 200])
      vault.kvWrite('age/old-db', { password: `v-${age}` }, { createdTime: now - age * DAY });
    const written = now - 200 * DAY;
    await add('age/old-db');

    const due = json<Line[]>((await rotor(['due', '--json'])).stdout);
    expect(due).toEqual([
      expect.objectContaining({
        secret_path: 'age/old-db',
        due: true,
        last_rotated: new Date(written).toISOString(),
        next_rotation: new Date(written + 90 * DAY).toISOString(),
        reason: expect.stringContaining(
          `last written ${day(written)} (Vault version 3), no rotation recorded`,
        ),
      }),
    ]);
    const status = await rotor(['status', 'age/old-db']);
    expect(status.stdout).toMatch(
      new RegExp(
        `due\\s+yes: due since .*last written ${day(written)} \\(Vault version 3\\), no rotation recorded`,
      ),
    );
    expect(status.stdout).toMatch(new RegExp(`last_rotated\\s+${day(written)}`));
  });

  it('a secret written recently is next one period after that write, not after the policy', async () => {
    const { add, rotor } = setup();
    const written = Date.now() - 10 * DAY;
    vault.kvWrite('age/fresh', { password: 'x' }, { createdTime: written });
    await add('age/fresh');
    const [line] = json<Line[]>((await rotor(['due', '--all', '--json'])).stdout);
    expect(line).toMatchObject({
      due: false,
      next_rotation: new Date(written + 90 * DAY).toISOString(),
      reason: expect.stringContaining('(Vault version 1), no rotation recorded'),
    });
  });
});

describe('a policy whose secret does not exist', () => {
  it('is shown as such by due and status, and run --due leaves it alone', async () => {
    const { add, rotor } = setup();
    await add('age/nowhere');
    const due = await rotor(['due']);
    expect(due.code).toBe(0);
    expect(due.stdout).toMatch(
      /age\/nowhere\s+missing\s+\S+\s+secret not found in Vault \(nothing at secret\/age\/nowhere\)/,
    );
    expect(due.stdout).toContain('0 of 1 rotation policy due in local');
    expect(json<Line[]>((await rotor(['due', '--json'])).stdout)).toEqual([
      expect.objectContaining({ secret_path: 'age/nowhere', due: false, secret_missing: true }),
    ]);
    const status = json<Record<string, unknown>>((await rotor(['status', 'age/nowhere', '--json'])).stdout);
    expect(status).toMatchObject({
      due: false,
      secret_missing: true,
      reason: expect.stringMatching(/^secret not found in Vault/),
    });
    expect(status.reason).not.toContain('not due');
    expect((await rotor(['run', '--due', '--yes'])).stdout).toContain('nothing is due in local');
  });
});

describe('the sandbox', () => {
  it('seeds its secrets months old, so a new 90-day policy there is due at once', async () => {
    const { add, rotor } = setup();
    await add('harmonyflow/redis', 'sandbox');
    await add('harmonyflow/iot-api-key', 'sandbox');
    const due = json<Line[]>((await rotor(['due', '--json'], 'sandbox')).stdout);
    expect(due.map((l) => [l.secret_path, l.due])).toEqual([['harmonyflow/redis', true]]);
    expect(due[0].reason).toMatch(/last written \d{4}-\d{2}-\d{2} \(Vault version 1\), no rotation recorded/);
    expect(Date.now() - Date.parse(due[0].last_rotated!)).toBeGreaterThan(150 * DAY);
  });
});

describe('reading ages', () => {
  const meta = (createdTime: string): KvMetadata => ({
    currentVersion: 1,
    oldestVersion: 0,
    casRequired: false,
    maxVersions: 0,
    customMetadata: null,
    versions: { 1: { createdTime, deleted: false, destroyed: false } },
  });

  it('keeps at most 16 metadata reads in flight, and reads each path once', async () => {
    let inFlight = 0;
    let most = 0;
    const asked: string[] = [];
    const reader: SecretMetadataReader = {
      async kvMetadata(at) {
        asked.push(at.path);
        most = Math.max(most, ++inFlight);
        await new Promise((r) => setImmediate(r));
        inFlight--;
        return meta('2026-01-01T00:00:00Z');
      },
    };
    const paths = Array.from({ length: 200 }, (_, i) => `p/${i}`);
    const ages = await readSecretAges(reader, paths);
    expect(ages.size).toBe(200);
    expect(asked.sort()).toEqual([...paths].sort());
    expect(most).toBe(16);
  });

  it('a metadata read Vault refuses leaves the age unknown: counted from the policy, and saying why', async () => {
    const reader: SecretMetadataReader = {
      kvMetadata: async () => {
        throw new VaultError(
          'permission-denied',
          'permission denied reading the metadata of secret/app/x (403)',
        );
      },
    };
    const ages = await readSecretAges(reader, ['app/x']);
    const policy = parsePolicy({
      secret_path: 'app/x',
      rotation_type: 'scheduled',
      rotation_period_days: 90,
      created_at: '2026-01-01T00:00:00Z',
    });
    const [item] = dueStates([policy], new Map(), new Date('2026-03-01T00:00:00Z'), {}, ages);
    expect(item.state).toMatchObject({
      due: false,
      next: new Date('2026-04-01T00:00:00Z'),
      reason: expect.stringContaining(
        "policy since 2026-01-01T00:00:00.000Z; the secret's age in Vault is unknown: permission denied",
      ),
    });
  });
});
