import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Redis } from 'ioredis';
import { resolveKubeConfig } from '../src/adapters/kubernetes-config.js';
import { clusterForwarder, type ClusterForwarder } from '../src/adapters/kubernetes-port-forward.js';
import { parseK8sAddress } from '../src/k8s-address/k8s-address.js';
import type { KubeEmulator } from '../src/sandbox/kubernetes/index.js';
import { eventually, guideVault, startTestKube } from './support/kube.js';
import { startRedisServers, type RedisServers } from './support/redis-servers.js';

const run = promisify(execFile);
const k8s = (text: string) => parseK8sAddress(text)!;

let kube: KubeEmulator;
let redis: RedisServers;
let forwarder: ClusterForwarder;
const password = 'pf-canary-9f3b1c';

beforeAll(async () => {
  kube = await startTestKube(guideVault());
  redis = await startRedisServers([{ password }]);
  kube.forwardPort({
    namespace: 'redis-production',
    labels: { 'app.kubernetes.io/name': 'redis-cluster' },
    port: 6379,
    backend: { tcp: redis.nodes[0] },
  });
  await eventually(
    'redis pods running',
    () =>
      kube.list('Pod', 'redis-production').filter((p) => (p.status as any)?.phase === 'Running').length === 6,
  );
  forwarder = clusterForwarder(resolveKubeConfig({ kubeconfig: kube.kubeconfigPath }).kc, { probeMs: 300 });
}, 30_000);

afterAll(async () => {
  await forwarder?.close();
  await redis?.close();
  await kube?.close();
});

/** A raw WebSocket to the portforward subresource, collecting frames by channel. */
function rawForward(path: string, protocols: string[] = ['v4.channel.k8s.io']) {
  const ws = new WebSocket(`${kube.url.replace('https', 'wss')}${path}`, protocols, {
    ca: kube.caPem,
    headers: { authorization: `Bearer ${kube.token}` },
  });
  const frames: Array<{ channel: number; data: Buffer }> = [];
  let refused: { code: number; body: any } | undefined;
  ws.on('message', (raw: Buffer, binary: boolean) => {
    if (binary) frames.push({ channel: raw[0], data: raw.subarray(1) });
    else
      frames.push({
        channel: raw.toString()[0].charCodeAt(0) - 48,
        data: Buffer.from(raw.toString().slice(1), 'base64'),
      });
  });
  const settled = new Promise<void>((resolve) => {
    ws.on('open', () => resolve());
    ws.on('unexpected-response', (_req, res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => {
        refused = { code: res.statusCode!, body: JSON.parse(text) };
        resolve();
      });
    });
    ws.on('error', () => resolve());
  });
  return { ws, frames, settled, refused: () => refused };
}

describe('pods/portforward in the Kubernetes emulator', () => {
  it('opens a data and an error channel per port, each starting with the port little-endian, and carries bytes both ways', async () => {
    const f = rawForward('/api/v1/namespaces/redis-production/pods/redis-cluster-0/portforward?ports=6379');
    await f.settled;
    expect(f.ws.protocol).toBe('v4.channel.k8s.io');
    await eventually('port headers', () => f.frames.length >= 2);
    expect(f.frames.slice(0, 2)).toEqual([
      { channel: 0, data: Buffer.from([6379 & 0xff, 6379 >> 8]) },
      { channel: 1, data: Buffer.from([6379 & 0xff, 6379 >> 8]) },
    ]);
    f.ws.send(Buffer.concat([Buffer.from([0]), Buffer.from(`AUTH ${password}\r\nPING\r\n`)]));
    await eventually('PONG on the data channel', () =>
      Buffer.concat(
        f.frames
          .slice(2)
          .filter((x) => x.channel === 0)
          .map((x) => x.data),
      )
        .toString()
        .includes('+PONG'),
    );
    f.ws.close();
  });

  it('speaks the base64 variant as text frames', async () => {
    const f = rawForward('/api/v1/namespaces/redis-production/pods/redis-cluster-1/portforward?ports=6379', [
      'v4.base64.channel.k8s.io',
    ]);
    await f.settled;
    expect(f.ws.protocol).toBe('v4.base64.channel.k8s.io');
    f.ws.send(`0${Buffer.from('PING\r\n').toString('base64')}`);
    await eventually('an answer', () =>
      f.frames.some((x) => x.channel === 0 && x.data.toString().includes('NOAUTH')),
    );
    f.ws.close();
  });

  it('reports a port nothing answers on over the error channel, then closes', async () => {
    const f = rawForward('/api/v1/namespaces/redis-production/pods/redis-cluster-0/portforward?ports=6380');
    await f.settled;
    await eventually('closed', () => f.ws.readyState === WebSocket.CLOSED);
    const error = Buffer.concat(
      f.frames
        .filter((x) => x.channel === 1)
        .slice(1)
        .map((x) => x.data),
    ).toString();
    expect(error).toMatch(/^error forwarding port 6380 to pod .*connection refused/);
  });

  it.each([
    [
      'a pod that does not exist',
      '/api/v1/namespaces/redis-production/pods/redis-cluster-9/portforward?ports=6379',
      404,
      'NotFound',
      'pods "redis-cluster-9" not found',
    ],
    [
      'no port',
      '/api/v1/namespaces/redis-production/pods/redis-cluster-0/portforward',
      400,
      'BadRequest',
      'query parameter "port" is required',
    ],
    [
      'a port out of range',
      '/api/v1/namespaces/redis-production/pods/redis-cluster-0/portforward?ports=70000',
      400,
      'BadRequest',
      'unable to parse "70000" as a port',
    ],
  ])('refuses %s with a Status before upgrading', async (_what, path, code, reason, message) => {
    const f = rawForward(path);
    await f.settled;
    expect(f.refused()).toMatchObject({ code, body: { kind: 'Status', status: 'Failure', reason, code } });
    expect(f.refused()!.body.message).toContain(message);
  });

  it('refuses an unsupported subprotocol, and a forbidden forward as RBAC words it', async () => {
    const spdy = rawForward(
      '/api/v1/namespaces/redis-production/pods/redis-cluster-0/portforward?ports=6379',
      ['portforward.k8s.io'],
    );
    await spdy.settled;
    expect(spdy.refused()?.body.message).toContain('requested protocol(s) are not supported');
    const allow = kube.forbid({
      verb: 'create',
      resource: 'pods/portforward',
      namespace: 'redis-production',
    });
    try {
      const f = rawForward('/api/v1/namespaces/redis-production/pods/redis-cluster-0/portforward?ports=6379');
      await f.settled;
      expect(f.refused()).toMatchObject({ code: 403, body: { reason: 'Forbidden' } });
      expect(f.refused()!.body.message).toContain(
        'cannot create resource "pods/portforward" in API group "" in the namespace "redis-production"',
      );
    } finally {
      allow();
    }
  });
});

describe("rotor's cluster forwarder (client-node PortForward)", () => {
  it('bridges a loopback address to a pod, so a real client logs in through the API server', async () => {
    const local = await forwarder.local(k8s('k8s://redis-production/pod/redis-cluster-2:6379'));
    expect(local).toMatch(/^127\.0\.0\.1:\d+$/);
    const [host, port] = local.split(':');
    const client = new Redis({
      host,
      port: Number(port),
      password,
      lazyConnect: true,
      maxRetriesPerRequest: 0,
    });
    try {
      await client.connect();
      expect(await client.ping()).toBe('PONG');
      await client.set('through', 'the-cluster');
    } finally {
      client.disconnect();
    }
    // The same server, dialled directly: the bytes went to it.
    const { stdout } = await run('redis-cli', [
      '-p',
      String(redis.servers[0].port),
      '--no-auth-warning',
      '-a',
      password,
      'GET',
      'through',
    ]);
    expect(stdout.trim()).toBe('the-cluster');
  });

  it('reaches a service through its running pod and targetPort', async () => {
    kube.create({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'redis-alt', namespace: 'redis-production' },
      spec: {
        selector: { 'app.kubernetes.io/name': 'redis-cluster' },
        ports: [{ port: 16379, targetPort: 6379 }],
      },
    });
    const target = k8s('k8s://redis-production/svc/redis-alt:16379');
    await forwarder.check(target);
    expect(await forwarder.resolve(target)).toMatchObject({ port: 6379 });
    const { stdout } = await run('redis-cli', [
      '-h',
      '127.0.0.1',
      '-p',
      (await forwarder.local(target)).split(':')[1],
      '--no-auth-warning',
      '-a',
      password,
      'PING',
    ]);
    expect(stdout.trim()).toBe('PONG');
  });

  it.each([
    [
      'k8s://redis-production/pod/redis-cluster-9:6379',
      /k8s:\/\/redis-production\/pod\/redis-cluster-9:6379: pod redis-production\/redis-cluster-9 not found/,
    ],
    [
      'k8s://redis-production/pod/redis-cluster-0:6390',
      /k8s:\/\/redis-production\/pod\/redis-cluster-0:6390: nothing answers on port 6390 of pod redis-cluster-0: error forwarding port 6390/,
    ],
    ['k8s://redis-production/svc/redis-alt:6379', /service redis-alt has no port 6379$/],
    ['k8s://redis-production/svc/nowhere:6379', /service redis-production\/nowhere not found/],
  ])('check refuses %s with one message naming it (exit 2)', async (text, message) => {
    const error = await forwarder.check(k8s(text)).catch((e: unknown) => e);
    expect(error).toMatchObject({ exitCode: 2 });
    expect((error as Error).message).toMatch(message);
  });

  it("check refuses a forbidden port-forward with the API server's words", async () => {
    const allow = kube.forbid({
      verb: 'create',
      resource: 'pods/portforward',
      namespace: 'redis-production',
      name: 'redis-cluster-3',
    });
    try {
      const error = (await forwarder
        .check(k8s('k8s://redis-production/pod/redis-cluster-3:6379'))
        .catch((e: unknown) => e)) as Error;
      expect(error.message).toContain(
        'k8s://redis-production/pod/redis-cluster-3:6379: the port-forward was refused: 403 pods "redis-cluster-3" is forbidden',
      );
    } finally {
      allow();
    }
  });
});
