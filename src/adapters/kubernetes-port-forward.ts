import { createServer, type Server, type Socket } from 'node:net';
import { PassThrough, Readable, Writable } from 'node:stream';
import { ApiException, CoreV1Api, PortForward, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
// Not re-exported by the package's index; its socket factory lets a refused upgrade's Status be read.
import { WebSocketHandler } from '@kubernetes/client-node/dist/web-socket-handler.js';
import WebSocket from 'ws';
import { UsageError } from '../errors.js';
import type { K8sAddress } from '../k8s-address/k8s-address.js';
import { kubeTransport } from './kubernetes-transport.js';

/** Reaches `k8s://` targets through the API server's port-forward (see src/k8s-address). */
export interface ClusterForwarder {
  /** The pod and container port a target names (a service's running pod, its targetPort); UsageError naming the address when none. */
  resolve(target: K8sAddress): Promise<{ pod: string; port: number }>;
  /** Before the first step: the pod (or a service's pod) and port exist and may be forwarded to; else a UsageError naming the address. */
  check(target: K8sAddress): Promise<void>;
  /** A loopback `127.0.0.1:<port>` whose every connection is one port-forward to the target. */
  local(target: K8sAddress): Promise<string>;
  close(): Promise<void>;
}

/** How long a probe waits for the error channel: the kubelet dials the pod's port as soon as the stream opens. */
const PROBE_MS = 400;

/** A port-forward over @kubernetes/client-node's PortForward (the WebSocket v4 channel protocol). */
export function clusterForwarder(kc: KubeConfig, options: { probeMs?: number } = {}): ClusterForwarder {
  const transport = kubeTransport();
  const core = transport.makeApiClient(kc, CoreV1Api);
  const listeners = new Map<string, Promise<{ server: Server; address: string }>>();
  const sockets = new Set<Socket>();

  async function resolve(t: K8sAddress): Promise<{ pod: string; port: number }> {
    const refuse = (problem: string, hint: string) => new UsageError(`${t.address}: ${problem}`, hint);
    const call = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
      try {
        return await fn();
      } catch (error) {
        const code = error instanceof ApiException ? error.code : undefined;
        if (code === 404)
          throw refuse(
            `${what} not found`,
            `check the name and namespace (kubectl get ${t.kind === 'pod' ? 'pods' : 'services'} -n ${t.namespace})`,
          );
        if (code === 403)
          throw refuse(
            `forbidden to read ${what}`,
            `the Kubernetes user needs get on ${t.kind === 'pod' ? 'pods' : 'services and list on pods'} in ${t.namespace}`,
          );
        throw refuse(`cannot read ${what}: ${(error as Error).message}`, 'check the Kubernetes connection');
      }
    };
    if (t.kind === 'pod') {
      const pod = await call(`pod ${t.namespace}/${t.name}`, () =>
        core.readNamespacedPod({ namespace: t.namespace, name: t.name }),
      );
      if (pod.status?.phase !== 'Running')
        throw refuse(
          `pod ${t.name} is not running (phase ${pod.status?.phase ?? 'unknown'})`,
          'wait for it to run, or name another pod',
        );
      return { pod: t.name, port: t.port };
    }
    const svc = await call(`service ${t.namespace}/${t.name}`, () =>
      core.readNamespacedService({ namespace: t.namespace, name: t.name }),
    );
    const servicePort = svc.spec?.ports?.find((p) => p.port === t.port);
    const known = (svc.spec?.ports ?? []).map((p) => p.port).join(', ') || 'none';
    if (!servicePort) throw refuse(`service ${t.name} has no port ${t.port}`, `its ports: ${known}`);
    const selector = Object.entries(svc.spec?.selector ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    if (!selector)
      throw refuse(
        `service ${t.name} selects no pods`,
        'name a pod instead: k8s://<namespace>/pod/<name>:<port>',
      );
    const pods = await call(`pods of service ${t.namespace}/${t.name}`, () =>
      core.listNamespacedPod({ namespace: t.namespace, labelSelector: selector }),
    );
    // As kubectl port-forward svc/… does: one running pod, a ready one first.
    const running = pods.items.filter((p) => p.status?.phase === 'Running' && !p.metadata?.deletionTimestamp);
    const pod = running.find(ready) ?? running[0];
    if (!pod) throw refuse(`service ${t.name} has no running pod`, 'wait for its pods to run');
    const port = containerPort(pod, servicePort.targetPort ?? t.port);
    if (port === undefined)
      throw refuse(
        `pod ${pod.metadata?.name} has no container port named ${servicePort.targetPort}`,
        'fix the service targetPort',
      );
    return { pod: pod.metadata!.name!, port };
  }

  /** One WebSocket forward; resolves once it is open, or throws what the API server answered. */
  async function open(
    t: K8sAddress,
    pod: string,
    port: number,
    output: Writable,
    input: Readable,
    onError: (text: string) => void,
  ) {
    let refused: string | undefined;
    const handler = new WebSocketHandler(kc, (uri: string, protocols: string[], opts: unknown) => {
      const ws = new WebSocket(uri, protocols, opts as WebSocket.ClientOptions);
      // The answer to a refused upgrade is a Status: keep its message for the operator.
      ws.on('unexpected-response', (req, res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          refused = statusMessage(Buffer.concat(chunks).toString('utf8'), res.statusCode ?? 0);
          req.destroy();
          ws.emit('error', new Error(refused));
        });
      });
      return ws as never;
    });
    const errors = new Writable({
      write(chunk: Buffer, _enc, done) {
        // The first frame of the channel is the port header alone: nothing to report.
        if (chunk.length) onError(chunk.toString('utf8'));
        done();
      },
    });
    try {
      return (await new PortForward(kc, false, handler).portForward(
        t.namespace,
        pod,
        [port],
        output,
        errors,
        input,
      )) as unknown as WebSocket;
    } catch (error) {
      const message = refused ?? (error as { message?: string }).message ?? String(error);
      throw new UsageError(
        `${t.address}: the port-forward was refused: ${message}`,
        'the Kubernetes user needs create on pods/portforward in that namespace, and the pod must run',
      );
    }
  }

  return {
    resolve,
    async check(t) {
      const { pod, port } = await resolve(t);
      const input = new PassThrough();
      let failure: string | undefined;
      const ws = await open(t, pod, port, new PassThrough().resume(), input, (text) => (failure ??= text));
      await new Promise<void>((done) => {
        const timer = setTimeout(done, options.probeMs ?? PROBE_MS);
        ws.on('close', () => {
          clearTimeout(timer);
          done();
        });
      });
      ws.close();
      if (failure)
        throw new UsageError(
          `${t.address}: nothing answers on port ${port} of pod ${pod}: ${failure.trim()}`,
          "check the port (kubectl get pod -o yaml shows its containers' ports)",
        );
    },
    local(t) {
      let listening = listeners.get(t.address);
      if (!listening) {
        listening = listen(t);
        listeners.set(t.address, listening);
      }
      return listening.then((l) => l.address);
    },
    async close() {
      transport.close();
      for (const socket of sockets) socket.destroy();
      const all = await Promise.allSettled(listeners.values());
      for (const l of all) if (l.status === 'fulfilled') l.value.server.close();
      listeners.clear();
    },
  };

  async function listen(t: K8sAddress): Promise<{ server: Server; address: string }> {
    const server = createServer({ pauseOnConnect: true }, (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
      resolve(t)
        .then(({ pod, port }) => open(t, pod, port, socket, socket, () => socket.destroy()))
        .then((ws) => {
          ws.on('close', () => socket.end());
          socket.on('close', () => ws.close());
          socket.resume();
        })
        .catch(() => socket.destroy());
    });
    await new Promise<void>((done, fail) => {
      server.once('error', fail);
      server.listen(0, '127.0.0.1', () => done());
    });
    const { port } = server.address() as { port: number };
    return { server, address: `127.0.0.1:${port}` };
  }
}

function ready(pod: V1Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** A service's targetPort: a number, or a container port's name in the chosen pod. */
function containerPort(pod: V1Pod, target: number | string): number | undefined {
  if (typeof target === 'number') return target;
  if (/^[0-9]+$/.test(target)) return Number(target);
  for (const c of pod.spec?.containers ?? [])
    for (const p of c.ports ?? []) if (p.name === target) return p.containerPort;
  return undefined;
}

/** The Status message of a refused upgrade, or the HTTP code when the body is not one. */
function statusMessage(body: string, code: number): string {
  try {
    const status = JSON.parse(body) as { kind?: string; message?: string };
    if (status.kind === 'Status' && status.message) return `${code} ${status.message}`;
  } catch {
    // not JSON: fall through
  }
  return `HTTP ${code}`;
}
