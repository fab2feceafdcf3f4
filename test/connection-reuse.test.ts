import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createVaultPort, vaultConfigFromEnv } from '../src/adapters/vault.js';
import { vaultTransport } from '../src/adapters/vault-transport.js';
import { MAX_TIMER_MS, renewalDelayMs } from '../src/adapters/vault-renewal.js';
import { startVaultEmulator, type VaultEmulator } from '../src/sandbox/vault/index.js';
import { startSandboxWorld } from '../src/sandbox/world.js';
import { runCli, tempHome } from './support/cli.js';

/** The `requests` schema of docs/events.md. */
function requestsSchema(): { properties: Record<string, unknown> } {
  const doc = readFileSync(new URL('../docs/events.md', import.meta.url), 'utf8');
  const block = /<!-- schema: step-requests -->\s*```json\n([\s\S]*?)```/.exec(doc);
  if (!block) throw new Error('docs/events.md has no step-requests schema block');
  return JSON.parse(block[1]);
}

const closing: Array<() => unknown> = [];
afterEach(async () => {
  for (const close of closing.splice(0).reverse()) await close();
});

async function tlsVault(): Promise<VaultEmulator> {
  const vault = await startVaultEmulator({ tls: true });
  closing.push(() => vault.close());
  return vault;
}

const portOver = async (vault: VaultEmulator, token = vault.rootToken, renewToken = false) => {
  const port = await createVaultPort(
    vaultConfigFromEnv({ VAULT_ADDR: vault.url, VAULT_TOKEN: token }, '/nonexistent', {
      caCertPem: vault.caCertPem,
      renewToken,
    }),
  );
  closing.push(() => port.close());
  return port;
};

describe('connections to the servers of a session', () => {
  it('a rotation through the CLI opens at most one connection (one TLS handshake) per server', async () => {
    const world = await startSandboxWorld({ vaultTls: true, readinessDelayMs: 50 });
    closing.push(() => world.close());
    const { vault, kube } = world.sandbox;
    const { home, cleanup } = tempHome();
    closing.push(cleanup);
    const before = { vault: { ...vault.counts }, kube: { ...kube.counts } };
    const result = await runCli(['run', 'api-key', '--env', 'local', '--yes', '--json'], {
      ROTOR_HOME: home,
      VAULT_ADDR: vault.url,
      VAULT_CACERT: world.sandbox.vaultCaCertFile!,
      VAULT_TOKEN: vault.rootToken,
      KUBECONFIG: kube.kubeconfigPath,
      ROTOR_SERVICE_URL: world.env.ROTOR_SERVICE_URL,
    });
    expect(result.code, result.stderr + result.stdout).toBe(0);
    const seen = {
      vaultConnections: vault.counts.connections - before.vault.connections,
      vaultHandshakes: vault.counts.handshakes - before.vault.handshakes,
      vaultRequests: vault.counts.requests - before.vault.requests,
      kubeConnections: kube.counts.connections - before.kube.connections,
      kubeHandshakes: kube.counts.handshakes - before.kube.handshakes,
    };
    // Without reuse this rotation opened 15 connections to Vault and one per Kubernetes call.
    expect(seen.vaultRequests, JSON.stringify(seen)).toBeGreaterThan(5);
    expect(seen.vaultConnections, JSON.stringify(seen)).toBe(1);
    expect(seen.vaultHandshakes, JSON.stringify(seen)).toBe(1);
    expect(seen.kubeConnections, JSON.stringify(seen)).toBe(1);
    expect(seen.kubeHandshakes, JSON.stringify(seen)).toBe(1);
    // Each step's requests are in its record; the session's own (lock, preflight, history) are not.
    const events = result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const steps = events.filter((e) => e.type === 'step-succeeded');
    const schema = requestsSchema();
    for (const e of steps)
      for (const [server, n] of Object.entries(e.requests)) {
        expect(Object.keys(schema.properties), `${e.stepId}: ${server}`).toContain(server);
        expect(Number.isInteger(n) && (n as number) >= 0, `${e.stepId}: ${server}=${n}`).toBe(true);
      }
    // The journal's step records carry the same counts.
    const journalPath = events[0].journalPath as string;
    const records = readFileSync(journalPath, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const restart = records.find((r) => r.type === 'step-succeeded' && r.stepId === 'restart');
    expect(restart.requests).toEqual(steps.find((e) => e.stepId === 'restart').requests);
    const stepVault = steps.reduce((n, e) => n + (e.requests.vault ?? 0), 0);
    expect(stepVault).toBeGreaterThan(0);
    expect(stepVault).toBeLessThan(seen.vaultRequests);
    expect(steps.find((e) => e.stepId === 'restart')?.requests.kubernetes).toBeGreaterThan(0);
  }, 120_000);

  it('ROTOR_SANDBOX_TLS=1 serves the in-process sandbox Vault over HTTPS, and the journal says verified-ca', async () => {
    const { home, cleanup } = tempHome();
    closing.push(cleanup);
    const result = await runCli(['run', 'generic', '--env', 'sandbox', '--yes', '--json'], {
      ROTOR_HOME: home,
      ROTOR_SANDBOX_TLS: '1',
    });
    expect(result.code, result.stderr + result.stdout).toBe(0);
    const first = JSON.parse(result.stdout.split('\n')[0]);
    const opened = JSON.parse(readFileSync(first.journalPath, 'utf8').split('\n')[0]);
    expect(opened.tls).toMatchObject({ vault: 'verified-ca' });
  }, 120_000);

  it('replaces a connection the server closed: one new connection, the read answered', async () => {
    const vault = await tlsVault();
    const port = await portOver(vault);
    vault.kvWrite('app/one', { v: '1' });
    await port.kvRead({ mount: 'secret', path: 'app/one' });
    await port.kvRead({ mount: 'secret', path: 'app/one' });
    expect(vault.counts.connections).toBe(1);
    vault.dropConnections();
    await new Promise((r) => setTimeout(r, 50));
    const read = await port.kvRead({ mount: 'secret', path: 'app/one' });
    expect(read.data).toEqual({ v: '1' });
    expect(vault.counts).toMatchObject({ connections: 2, handshakes: 2 });
  });
});

/** A server that answers, then cuts the kept connection as a second request arrives on it. */
async function cuttingServer(): Promise<{ url: string; seen: string[]; server: Server }> {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    if (seen.length === 2) {
      req.socket.destroy();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{}}');
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  closing.push(() => {
    server.closeAllConnections();
    return new Promise((r) => server.close(r));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
}

describe('a kept connection that breaks under a request', () => {
  const config = (url: string) => vaultConfigFromEnv({ VAULT_ADDR: url, VAULT_TOKEN: 't' }, '/nonexistent');

  it('resends a read once, on a new connection', async () => {
    const { url, seen } = await cuttingServer();
    const transport = vaultTransport(config(url));
    closing.push(() => transport.close());
    const send = transport.defaults();
    await send({ method: 'GET', uri: `${url}/v1/secret/data/a` });
    const answer = await send({ method: 'GET', uri: `${url}/v1/secret/data/a` });
    expect(answer.statusCode).toBe(200);
    expect(seen).toEqual(['GET /v1/secret/data/a', 'GET /v1/secret/data/a', 'GET /v1/secret/data/a']);
  });

  it('never resends a write: the failure goes to the step', async () => {
    const { url, seen } = await cuttingServer();
    const transport = vaultTransport(config(url));
    closing.push(() => transport.close());
    const send = transport.defaults();
    await send({ method: 'GET', uri: `${url}/v1/sys/health` });
    await expect(send({ method: 'PUT', uri: `${url}/v1/transit/keys/k/rotate`, json: {} })).rejects.toThrow();
    expect(seen).toEqual(['GET /v1/sys/health', 'PUT /v1/transit/keys/k/rotate']);
  });
});

describe('token renewal', () => {
  it('caps the delay at what setTimeout can hold', () => {
    expect(renewalDelayMs(3600)).toBe(2_880_000);
    expect(renewalDelayMs(40 * 86_400)).toBe(MAX_TIMER_MS);
  });

  it('does not renew a 40-day token in a loop', async () => {
    const vault = await tlsVault();
    const token = vault.createToken({ policies: ['default'], ttl: 40 * 86_400, renewable: true });
    const start = vault.counts.requests;
    await portOver(vault, token, true);
    await new Promise((r) => setTimeout(r, 300));
    // One lookup-self to learn the TTL; node-vault's own timer would renew every millisecond.
    expect(vault.counts.requests - start).toBe(1);
  });
});

describe('round trips of a KV read that finds nothing', () => {
  it('a path never written costs one request; a deleted version one request, named deleted', async () => {
    const vault = await tlsVault();
    const port = await portOver(vault);
    let start = vault.counts.requests;
    await expect(port.kvRead({ mount: 'secret', path: 'never/written' })).rejects.toMatchObject({
      kind: 'not-found',
    });
    expect(vault.counts.requests - start).toBe(1);
    vault.kvWrite('app/gone', { v: '1' });
    await vault.call('DELETE', 'secret/data/app/gone');
    start = vault.counts.requests;
    await expect(port.kvRead({ mount: 'secret', path: 'app/gone' })).rejects.toMatchObject({
      kind: 'deleted',
      message: expect.stringContaining('version 1 is deleted'),
    });
    expect(vault.counts.requests - start).toBe(1);
  });
});
