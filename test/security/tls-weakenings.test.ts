import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createTcpServer, connect, type AddressInfo } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Profile } from '../../src/adapters/settings.js';
import { connectStores } from '../../src/services/stores.js';
import { UsageError } from '../../src/errors.js';
import { servingCertificate } from '../../src/sandbox/kubernetes/tls.js';
import { startSandboxWorld, type SandboxHandles } from '../../src/sandbox/world.js';
import { connectEnvironment } from '../../src/session/connect.js';
import { runCli, tempHome } from '../support/cli.js';
import { runInSandbox } from '../support/sandbox-run.js';

// Issue 12, finding 7: VAULT_SKIP_VERIFY from the shell overrode a protected profile (a proxy in
// the middle saw the token); plain-http Vault and a kubeconfig's insecure-skip-tls-verify passed
// without a word. Protected environments now refuse them unless the profile records
// --allow-insecure-tls; elsewhere the operator is warned; the journal records each TLS mode.

const TOKEN = 'hvs.canary-token-never-sent';
// Plain http to a loopback address never crosses a network (a Vault Agent listener): it is allowed.
// The plain-http cases need an address of this machine that is not loopback.
const external = Object.values(networkInterfaces())
  .flat()
  .find((i) => i && !i.internal && i.family === 'IPv4')?.address;
const prod = { name: 'prod', protected: true, sandbox: false };

/** A server in the middle: records every Vault token it is sent. */
function recordTokens(tokens: string[]) {
  return (req: IncomingMessage, res: import('node:http').ServerResponse) => {
    const token = req.headers['x-vault-token'];
    if (typeof token === 'string') tokens.push(token);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{"ttl":0,"renewable":false}}');
  };
}

async function listen(server: Server | import('node:net').Server, host = '127.0.0.1'): Promise<number> {
  await new Promise<void>((ready) => server.listen(0, host, ready));
  return (server.address() as AddressInfo).port;
}

/** Serves a loopback server on the machine's external address too, as a Vault on the network. */
async function forwardExternally(url: string): Promise<{ url: string; close(): void }> {
  const target = new URL(url);
  const server = createTcpServer((socket) => {
    const upstream = connect(Number(target.port), target.hostname);
    socket.pipe(upstream).pipe(socket);
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  const port = await listen(server, external);
  return { url: `http://${external}:${port}`, close: () => server.close() };
}

describe('weakened TLS is refused on protected environments and told elsewhere (issue 12, finding 7)', () => {
  const seen: string[] = [];
  let mitm: Server;
  let plain: Server;
  let mitmUrl = '';
  let plainUrl = '';
  // A local Vault Agent listener: plain http on loopback.
  let agent: Server;
  let agentUrl = '';
  let dir = '';
  let insecureKubeconfig = '';
  beforeAll(async () => {
    const cert = servingCertificate();
    mitm = createHttpsServer({ cert: cert.certPem, key: cert.keyPem }, recordTokens(seen));
    plain = createHttpServer(recordTokens(seen));
    mitmUrl = `https://127.0.0.1:${await listen(mitm)}`;
    plainUrl = external ? `http://${external}:${await listen(plain, external)}` : '';
    agent = createHttpServer(recordTokens([]));
    agentUrl = `http://127.0.0.1:${await listen(agent)}`;
    dir = mkdtempSync(join(tmpdir(), 'rotor-tls-'));
    insecureKubeconfig = join(dir, 'kubeconfig');
    writeFileSync(
      insecureKubeconfig,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'prod', cluster: { server: mitmUrl, 'insecure-skip-tls-verify': true } }],
        users: [{ name: 'prod', user: { token: TOKEN } }],
        contexts: [{ name: 'prod', context: { cluster: 'prod', user: 'prod' } }],
        'current-context': 'prod',
      }),
    );
  });
  afterAll(() => {
    mitm?.close();
    plain?.close();
    agent?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const shell = (extra: Record<string, string>) => ({ VAULT_TOKEN: TOKEN, KUBECONFIG: '', ...extra });

  it('VAULT_SKIP_VERIFY from the shell does not override a protected profile: refused before the token is sent', async () => {
    const profile: Profile = { name: 'prod', protected: true, vaultAddr: mitmUrl };
    const env = shell({ VAULT_SKIP_VERIFY: 'true' });
    const refused = connectEnvironment(prod, [profile], env);
    await expect(refused).rejects.toBeInstanceOf(UsageError);
    await expect(refused).rejects.toThrow(/environment prod is protected: VAULT_SKIP_VERIFY turns off TLS/);
    await expect(refused).rejects.toHaveProperty('hint', expect.stringContaining('--allow-insecure-tls'));
    // The policy stores of the environment connect the same way, and refuse the same way.
    await expect(
      connectStores({ env, resolve: async () => ({ environment: prod, profiles: [profile] }) }, 'prod'),
    ).rejects.toThrow(/VAULT_SKIP_VERIFY/);
    expect(seen).toEqual([]);
  });

  it.skipIf(!external)(
    'plain-http Vault on the network is refused on a protected profile; on loopback it is not',
    async () => {
      const httpVault: Profile = { name: 'prod', protected: true, vaultAddr: plainUrl };
      await expect(connectEnvironment(prod, [httpVault], shell({}))).rejects.toThrow(
        `environment prod is protected: Vault at ${plainUrl} is plain http`,
      );
      expect(seen).toEqual([]);
      const local: Profile = { name: 'prod', protected: true, vaultAddr: agentUrl };
      const world = await connectEnvironment(prod, [local], shell({}));
      await world.close();
      expect(world.tls).toEqual({ vault: 'plain-http' });
      expect(world.warnings).toEqual([]);
      seen.length = 0;
    },
  );

  it('a kubeconfig with insecure-skip-tls-verify is refused on a protected profile', async () => {
    const insecureKube: Profile = { name: 'prod', protected: true, kubeconfig: insecureKubeconfig };
    await expect(connectEnvironment(prod, [insecureKube], shell({}))).rejects.toThrow(
      /environment prod is protected: the kubeconfig of Kubernetes context prod \(127\.0\.0\.1:\d+\) sets insecure-skip-tls-verify/,
    );
    expect(seen).toEqual([]);
  });

  it('NODE_TLS_REJECT_UNAUTHORIZED=0 from the shell does not turn off verification of a kubeconfig server: the bearer token is not sent', async () => {
    // A server in the middle with a certificate no CA of this kubeconfig signed.
    const bearers: string[] = [];
    const cert = servingCertificate();
    const middle = createHttpsServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => {
      if (req.headers.authorization) bearers.push(req.headers.authorization);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"kind":"Secret","data":{}}');
    });
    const file = join(dir, 'verified-kubeconfig');
    writeFileSync(
      file,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'prod', cluster: { server: `https://127.0.0.1:${await listen(middle)}` } }],
        users: [{ name: 'prod', user: { token: TOKEN } }],
        contexts: [{ name: 'prod', context: { cluster: 'prod', user: 'prod' } }],
        'current-context': 'prod',
      }),
    );
    // Node reads it from the process for every TLS connection that does not say otherwise.
    const before = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    const emit = process.emitWarning;
    process.emitWarning = () => undefined;
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
    try {
      // Where it is only warned of (a protected environment refuses it, below), the kubeconfig still decides.
      const staging = { name: 'staging', protected: false, sandbox: false };
      const profile: Profile = { name: 'staging', protected: false, kubeconfig: file };
      const world = await connectEnvironment(
        staging,
        [profile],
        shell({ NODE_TLS_REJECT_UNAUTHORIZED: '0' }),
      );
      try {
        expect(world.warnings).toEqual([expect.stringContaining('NODE_TLS_REJECT_UNAUTHORIZED=0 turns off')]);
        await expect(world.ports.kube!.secretDigest({ namespace: 'default', name: 'x' })).rejects.toThrow();
      } finally {
        await world.close();
      }
    } finally {
      if (before === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
      else process.env.NODE_TLS_REJECT_UNAUTHORIZED = before;
      process.emitWarning = emit;
      middle.close();
    }
    expect(bearers).toEqual([]);
  });

  it('NODE_TLS_REJECT_UNAUTHORIZED=0 from the shell is refused on a protected profile before anything is sent', async () => {
    const profile: Profile = { name: 'prod', protected: true, vaultAddr: mitmUrl };
    const env = shell({ NODE_TLS_REJECT_UNAUTHORIZED: '0' });
    const refused = connectEnvironment(prod, [profile], env);
    await expect(refused).rejects.toBeInstanceOf(UsageError);
    await expect(refused).rejects.toThrow(
      /environment prod is protected: NODE_TLS_REJECT_UNAUTHORIZED=0 turns off TLS verification/,
    );
    await expect(refused).rejects.toHaveProperty('hint', expect.stringContaining('--allow-insecure-tls'));
    await expect(
      connectStores({ env, resolve: async () => ({ environment: prod, profiles: [profile] }) }, 'prod'),
    ).rejects.toThrow(/NODE_TLS_REJECT_UNAUTHORIZED/);
    expect(seen).toEqual([]);
    const allowed = await connectEnvironment(prod, [{ ...profile, allowInsecureTls: true }], env);
    await allowed.close();
    expect(allowed.warnings).toEqual([
      expect.stringMatching(/^NODE_TLS_REJECT_UNAUTHORIZED=0 .*\(profile prod allows insecure TLS\)$/),
    ]);
  });

  it('a profile that records --allow-insecure-tls connects, with a warning for each weakened connection', async () => {
    const profile: Profile = {
      name: 'prod',
      protected: true,
      vaultAddr: mitmUrl,
      kubeconfig: insecureKubeconfig,
      allowInsecureTls: true,
    };
    const world = await connectEnvironment(prod, [profile], shell({ VAULT_SKIP_VERIFY: 'true' }));
    try {
      expect(world.tls).toEqual({ vault: 'skip-verify', kubernetes: 'skip-verify' });
      expect(world.warnings).toEqual([
        expect.stringMatching(
          /^VAULT_SKIP_VERIFY turns off TLS verification .*\(profile prod allows insecure TLS\)$/,
        ),
        expect.stringMatching(/insecure-skip-tls-verify.*\(profile prod allows insecure TLS\)$/),
      ]);
    } finally {
      await world.close();
    }
  });
});

describe('the operator hears of weakened TLS and the journal records every TLS mode', () => {
  // The sandbox's Vault emulator, served as a plain-http Vault the way `rotor sandbox` serves it.
  let world: Awaited<ReturnType<typeof startSandboxWorld>>;
  let vault: SandboxHandles['vault'];
  let forward: { url: string; close(): void } | undefined;
  let vaultUrl = '';
  beforeAll(async () => {
    world = await startSandboxWorld({ readinessDelayMs: 10 });
    vault = world.sandbox.vault;
    forward = external ? await forwardExternally(vault.url) : undefined;
    vaultUrl = forward?.url ?? '';
  });
  afterAll(async () => {
    forward?.close();
    await world?.close();
  });

  /** The session-opened records under this home (a refusal's record says only what was refused). */
  function sessionsOpened(home: string): Array<Record<string, unknown>> {
    return readdirSync(join(home, 'sessions'))
      .map((f) => JSON.parse(readFileSync(join(home, 'sessions', f), 'utf8').split('\n')[0]))
      .filter((r: { type: string }) => r.type === 'session-opened');
  }

  it.skipIf(!external)(
    'a protected profile on plain http is refused (exit 2, Vault unchanged) until the profile allows it, then warned',
    async () => {
      const { home, cleanup } = tempHome();
      try {
        const env = { ROTOR_HOME: home, VAULT_TOKEN: vault.rootToken, KUBECONFIG: '' };
        const add = (...extra: string[]) =>
          runCli(['env', 'add', 'prod', '--protected', '--vault-addr', vaultUrl, ...extra], env);
        const run = () => runCli(['run', 'generic', '--env', 'prod', '--yes', '--confirm-env', 'prod'], env);
        const version = () => vault.kvRead('harmonyflow/iot-api-key')!.version;
        const before = version();
        expect((await add()).code).toBe(0);
        const refused = await run();
        expect(refused.code, refused.stderr).toBe(2);
        expect(refused.stderr).toContain(`environment prod is protected: Vault at ${vaultUrl} is plain http`);
        expect(refused.stderr).toContain('--allow-insecure-tls');
        expect(version()).toBe(before);

        expect((await add('--allow-insecure-tls')).code).toBe(0);
        const allowed = await run();
        expect(allowed.code, `${allowed.stdout}\n${allowed.stderr}`).toBe(0);
        expect(allowed.stdout).toContain(`⚠ warning: Vault at ${vaultUrl} is plain http`);
        expect(version()).toBe(before + 1);
        expect(sessionsOpened(home)).toContainEqual(
          expect.objectContaining({ tls: { vault: 'plain-http' } }),
        );
      } finally {
        cleanup();
      }
    },
    120_000,
  );

  it.skipIf(!external)(
    'elsewhere the warning is an event of its own in --json, right after session-started',
    async () => {
      const { home, cleanup } = tempHome();
      try {
        const r = await runCli(['run', 'generic', '--env', 'local', '--yes', '--json'], {
          ROTOR_HOME: home,
          VAULT_ADDR: vaultUrl,
          VAULT_TOKEN: vault.rootToken,
          KUBECONFIG: '',
        });
        expect(r.code, r.stderr).toBe(0);
        const events = r.stdout
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as { type: string; message?: string });
        const started = events.findIndex((e) => e.type === 'session-started');
        expect(events[started + 1]).toMatchObject({
          type: 'session-warning',
          message: expect.stringContaining(`Vault at ${vaultUrl} is plain http`),
        });
      } finally {
        cleanup();
      }
    },
    120_000,
  );

  it("the sandbox records its emulators' TLS modes and warns of nothing", async () => {
    const run = await runInSandbox('generic');
    try {
      expect(run.outcome.status).toBe('succeeded');
      expect(JSON.parse(run.journal.split('\n')[0])).toMatchObject({
        type: 'session-opened',
        tls: { vault: 'plain-http', kubernetes: 'verified-ca' },
      });
      expect(run.events.filter((e) => e.type === 'session-warning')).toEqual([]);
    } finally {
      await run.close();
    }
  });
});
