// Two rotor processes recording history for the same secret at once, against one Vault over
// HTTP, through the built adapter and store: check-and-set with re-read and retry loses nothing.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVaultPort, vaultConfigFromEnv } from '../src/adapters/vault.js';
import { HistoryStore } from '../src/policy/history-store.js';
import { startVaultEmulator, type VaultEmulator } from '../src/sandbox/vault/index.js';

const dist = resolve(import.meta.dirname, '../dist/src');
const dir = mkdtempSync(join(tmpdir(), 'rotor-policy-race-'));
let vault: VaultEmulator;

// The child: appends `count` entries as process `name`, counting the check-and-set conflicts it met.
const child = `
const { createVaultPort, vaultConfigFromEnv } = await import(${JSON.stringify(`${dist}/adapters/vault.js`)});
const { HistoryStore } = await import(${JSON.stringify(`${dist}/policy/history-store.js`)});
const [name, count, startAt] = process.argv.slice(2);
const port = await createVaultPort(vaultConfigFromEnv(process.env, process.env.HOME ?? '/', { renewToken: false }));
let conflicts = 0;
const counted = { kvRead: (...a) => port.kvRead(...a), kvWrite: async (...a) => { try { return await port.kvWrite(...a); } catch (e) { if (e.kind === 'cas-conflict') conflicts++; throw e; } } };
const store = new HistoryStore(counted, { mount: 'secret', prefix: 'rotor-race' }, { backoffMs: 2 });
while (Date.now() < Number(startAt)) await new Promise((r) => setTimeout(r, 1));
for (let i = 0; i < Number(count); i++) {
  const at = new Date(Date.now() + i).toISOString();
  await store.append({ secret_path: 'harmonyflow/redis', session_id: name + '-' + i, runbook: 'redis', environment: 'staging', operator: name, started_at: at, ended_at: at, duration_seconds: 1, status: i % 3 ? 'success' : 'rolled_back', attempt: 1, drill: false });
}
port.close();
console.log(JSON.stringify({ conflicts }));
`;

function runChild(
  name: string,
  count: number,
  startAt: number,
): Promise<{ code: number | null; conflicts: number; stderr: string }> {
  const file = join(dir, 'append.mjs');
  writeFileSync(file, child);
  return new Promise((done) => {
    const p = spawn(process.execPath, [file, name, String(count), String(startAt)], {
      env: { ...process.env, VAULT_ADDR: vault.url, VAULT_TOKEN: vault.rootToken },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('close', (code) =>
      done({ code, conflicts: out ? (JSON.parse(out) as { conflicts: number }).conflicts : -1, stderr: err }),
    );
  });
}

beforeAll(async () => {
  vault = await startVaultEmulator();
});
afterAll(async () => {
  await vault?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('history written by two processes at once', () => {
  it('keeps every entry and every count', async () => {
    const startAt = Date.now() + 1500;
    const [a, b] = await Promise.all([runChild('a', 40, startAt), runChild('b', 40, startAt)]);
    expect([a.code, a.stderr, b.code, b.stderr]).toEqual([0, '', 0, '']);
    // They did collide: otherwise this test would prove nothing.
    expect(a.conflicts + b.conflicts).toBeGreaterThan(0);
    console.log(`check-and-set conflicts met and retried: ${a.conflicts + b.conflicts}`);
    const port = await createVaultPort(
      vaultConfigFromEnv({ VAULT_ADDR: vault.url, VAULT_TOKEN: vault.rootToken }, dir, { renewToken: false }),
    );
    const store = new HistoryStore(port, { mount: 'secret', prefix: 'rotor-race' });
    const entries = await store.entries('harmonyflow/redis');
    expect(entries).toHaveLength(80);
    expect(new Set(entries.map((e) => e.session_id)).size).toBe(80);
    expect(await store.status('harmonyflow/redis')).toMatchObject({
      total: 80,
      success: 52,
      rolled_back: 28,
      duration_total_seconds: 80,
    });
    port.close();
  });
});
