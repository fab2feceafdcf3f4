// Finding 4 of the security review: an HTTP check followed a 302 to another port and sent it the
// new and the old X-API-Key. Every outbound request rotor makes now takes a 3xx as the answer.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpCheck } from '../../src/actions/http/check.js';
import { getUser, putUser } from '../../src/adapters/rabbitmq-management.js';
import { createNotifier } from '../../src/adapters/notifier.js';
import { fetchHttp } from '../../src/adapters/http.js';
import { createVaultPort } from '../../src/adapters/vault.js';
import { createKubePort } from '../../src/adapters/kubernetes.js';
import { Secret } from '../../src/engine/secret.js';
import { failureNotification } from '../../src/policy/notification.js';
import { testContext } from '../support/action-context.js';
import { runInSandbox } from '../support/sandbox-run.js';

/** Every request the "other origin" received, with its headers: the test wants none. */
const received: Array<{ url: string; headers: IncomingHttpHeaders }> = [];
const elsewhere = createServer((req, res) => {
  received.push({ url: req.url ?? '', headers: req.headers });
  res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
});
/** Answers everything with a 302 to the same path on `elsewhere`. */
const redirector = createServer((req, res) => {
  res.writeHead(302, { location: `${origin(elsewhere)}${req.url}` }).end();
});

const origin = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const listen = (server: Server) => new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const close = (server: Server) => new Promise<void>((r) => server.close(() => r()));

beforeAll(async () => {
  await listen(elsewhere);
  await listen(redirector);
});
afterAll(async () => {
  await close(elsewhere);
  await close(redirector);
});

const seen = () => `the other origin received: ${JSON.stringify(received)}`;

describe('outbound HTTP never follows a redirect', () => {
  it('api-key: a service_url answering 302 to another port gets neither the new nor the old key there', async () => {
    received.length = 0;
    const run = await runInSandbox('api-key', {
      inputs: { service_url: origin(redirector), kubernetes: 'false' },
      // The redirecting service is a real local server, not a sandbox stand-in: say so on purpose.
      allowRealTargets: true,
    });
    try {
      expect(received, seen()).toEqual([]);
      const failed = run.events.find((e) => e.type === 'step-failed' && e.stepId === 'new-key-accepted');
      expect(failed, run.failures.join('\n')).toBeDefined();
      expect(run.failures.join('\n')).toContain(
        `answered 302 (redirected to ${origin(elsewhere)}, not followed)`,
      );
      expect(run.outcome.status).toBe('rolled-back');
    } finally {
      await run.close();
    }
  });

  it('http.check expecting the 302 itself passes and says where it pointed, without going there', async () => {
    received.length = 0;
    const ctx = testContext();
    const params = httpCheck.params.parse({
      url: `${origin(redirector)}/v1/health`,
      headers: { 'X-API-Key': new Secret('key-canary-Rr81') },
      expect_status: 302,
    });
    await expect(httpCheck.run(params, ctx)).resolves.toEqual({ status: 302 });
    expect(ctx.record.logs.join('\n')).toContain(`redirected to ${origin(elsewhere)}, not followed`);
    expect(received, seen()).toEqual([]);
  });

  it('the RabbitMQ management API: a redirect is refused before the admin credentials go anywhere else', async () => {
    received.length = 0;
    const api = {
      url: origin(redirector),
      username: 'admin',
      password: new Secret('admin-canary-Pq02'),
      timeoutMs: 5000,
    };
    await expect(getUser(api, 'app')).rejects.toThrow(`(redirected to ${origin(elsewhere)}, not followed)`);
    await expect(putUser(api, 'app', { password: new Secret('new-canary-Zk55'), tags: [] })).rejects.toThrow(
      /not followed/,
    );
    expect(received, seen()).toEqual([]);
  });

  it('the failure webhook: a redirect is not followed, and the notice says it was not sent', async () => {
    received.length = 0;
    const notifier = createNotifier({ webhookUrl: `${origin(redirector)}/hook` }, fetchHttp);
    const notice = failureNotification(
      {
        secret_path: 'app/db',
        session_id: '20261204-120000-abcd',
        runbook: 'generic',
        environment: 'production',
        operator: 'cron@node-1',
        started_at: '2026-12-04T12:00:00.000Z',
        ended_at: '2026-12-04T12:01:00.000Z',
        duration_seconds: 60,
        status: 'rolled_back',
        attempt: 1,
        drill: false,
      },
      { attempts: 1, maxRetries: 0, nextStep: 'x' },
    );
    await expect(notifier.webhook!(notice)).rejects.toThrow(
      `answered 302 (redirected to ${origin(elsewhere)}, not followed)`,
    );
    expect(received, seen()).toEqual([]);
  });

  it('Vault: a redirect to another origin is refused, and the token never goes there', async () => {
    received.length = 0;
    const vault = await createVaultPort({
      address: origin(redirector),
      token: new Secret('vault-token-canary-Ke27'),
      skipVerify: false,
      timeoutMs: 5000,
      renewToken: false,
    });
    await expect(vault.kvRead({ mount: 'secret', path: 'app/db' })).rejects.toThrow(
      `answered 302 to GET /v1/secret/data/app/db (redirected to ${origin(elsewhere)}, not followed)`,
    );
    expect(received, seen()).toEqual([]);
  });

  it('Kubernetes: a redirect is refused, and the bearer token never goes to the other origin', async () => {
    received.length = 0;
    const dir = mkdtempSync(join(tmpdir(), 'rotor-kube-redirect-'));
    try {
      const kubeconfig = join(dir, 'config');
      writeFileSync(
        kubeconfig,
        [
          'apiVersion: v1',
          'kind: Config',
          'current-context: c',
          `clusters: [{ name: k, cluster: { server: "${origin(redirector)}", insecure-skip-tls-verify: true } }]`,
          'users: [{ name: u, user: { token: kube-token-canary-Bv58 } }]',
          'contexts: [{ name: c, context: { cluster: k, user: u } }]',
        ].join('\n'),
      );
      const kube = createKubePort({ kubeconfig, env: {} });
      await expect(kube.secretDigest({ namespace: 'app', name: 'db' })).rejects.toThrow(
        `answered 302 to GET /api/v1/namespaces/app/secrets/db (redirected to ${origin(elsewhere)}, not followed)`,
      );
      expect(received, seen()).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
