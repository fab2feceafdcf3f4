import type { IncomingMessage, Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { SANDBOX_USER, type Access } from './access.js';
import type { PortBackends } from './port-backends.js';
import { findKind } from './resources.js';
import { route } from './routes.js';
import { ApiError, badRequest, forbidden, notFound, unauthorized, type StatusBody } from './status.js';
import type { KubeObject, ObjectStore } from './store.js';

/**
 * The WebSocket protocols the API server's port-forward accepts (wsstream, as the kubelet's
 * websocket.go configures it): binary channel frames, base64 text frames, or no protocol at all
 * (binary). Each port has a data channel (2i) and an error channel (2i+1).
 */
const BINARY = 'v4.channel.k8s.io';
const BASE64 = 'v4.base64.channel.k8s.io';

interface ForwardDeps {
  store: ObjectStore;
  access: Access;
  backends: PortBackends;
}

/**
 * Serves `pods/{name}/portforward` upgrades on the emulator's server as the API server and kubelet
 * do: authenticated, authorised as `create` on `pods/portforward`, the pod running, then each
 * requested port's two channels open with the port as a little-endian header, and a port nothing
 * answers on is reported on its error channel. Refusals before the upgrade are Status objects.
 */
export function attachPortForward(server: Server, deps: ForwardDeps): () => void {
  const wss = new WebSocketServer({ noServer: true });
  const open = new Set<WebSocket>();
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    try {
      const { pod, ports, protocol } = admit(req, deps);
      wss.handleUpgrade(req, socket, head, (ws) => {
        open.add(ws);
        ws.on('close', () => open.delete(ws));
        forward(ws, protocol, pod, ports, deps.backends);
      });
    } catch (error) {
      refuse(socket, error);
    }
  });
  return () => {
    for (const ws of open) ws.terminate();
    wss.close();
  };
}

/** Every check the API server makes before it upgrades; throws the Status it would answer. */
function admit(
  req: IncomingMessage,
  deps: ForwardDeps,
): { pod: KubeObject; ports: number[]; protocol: string } {
  if (!deps.access.authenticated(req)) throw unauthorized();
  const url = new URL(req.url ?? '/', 'http://emulator');
  const target = route(url.pathname);
  if (target.type !== 'resource' || target.subresource !== 'portforward' || !target.name || !target.namespace)
    throw new ApiError({
      ...notFound(findKind('Pod'), url.pathname).status,
      message: 'the server could not find the requested resource',
    });
  const pods = findKind('Pod');
  if (!deps.access.allowed('create', 'pods/portforward', target.namespace, target.name))
    throw forbidden(pods, 'create', SANDBOX_USER, target.namespace, target.name, 'pods/portforward');
  const pod = deps.store.get('Pod', target.namespace, target.name);
  if (!pod) throw notFound(pods, target.name);
  const ports = parsePorts(url.searchParams.getAll('ports'));
  if ((pod.status as { phase?: string } | undefined)?.phase !== 'Running')
    throw badRequest(`unable to upgrade connection: pod not found ("${target.name}_${target.namespace}")`);
  return { pod, ports, protocol: pickProtocol(req.headers['sec-websocket-protocol']) };
}

/** `ports=6379,6380&ports=…` as the kubelet parses them. */
function parsePorts(values: string[]): number[] {
  if (!values.length) throw badRequest('query parameter "port" is required');
  const ports: number[] = [];
  for (const value of values) {
    if (!value) throw badRequest('query parameter "port" cannot be empty');
    for (const part of value.split(',')) {
      const port = /^[0-9]+$/.test(part) ? Number(part) : NaN;
      if (!Number.isInteger(port) || port > 65535)
        throw badRequest(
          `unable to parse "${value}" as a port: strconv.ParseUint: parsing "${part}": invalid syntax`,
        );
      if (port < 1) throw badRequest(`port "${value}" must be > 0`);
      ports.push(port);
    }
  }
  return ports;
}

/** The first protocol the client offers that the server supports; none offered means binary. */
function pickProtocol(header: string | undefined): string {
  const offered = (header ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  if (!offered.length) return '';
  const chosen = offered.find((p) => p === BINARY || p === BASE64);
  if (!chosen)
    throw badRequest(
      `requested protocol(s) are not supported: [${offered.join(' ')}]; supports [${BINARY} ${BASE64}]`,
    );
  return chosen;
}

/** Writes the refusal as the HTTP answer to the upgrade request, a Status in JSON. */
function refuse(socket: Duplex, error: unknown): void {
  const status: StatusBody =
    error instanceof ApiError
      ? error.status
      : {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: String(error),
          reason: 'InternalError',
          code: 500,
        };
  const body = JSON.stringify(status);
  socket.end(
    `HTTP/1.1 ${status.code} ${status.reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** Pumps each port's channels to its backend; the socket closes once every port is done. */
function forward(
  ws: WebSocket,
  protocol: string,
  pod: KubeObject,
  ports: number[],
  backends: PortBackends,
): void {
  const send = (channel: number, data: Buffer) => {
    if (ws.readyState !== ws.OPEN) return;
    if (protocol === BASE64) ws.send(`${channel}${data.toString('base64')}`);
    else ws.send(Buffer.concat([Buffer.from([channel]), data]));
  };
  const header = (port: number) => Buffer.from([port & 0xff, port >> 8]);
  ports.forEach((port, i) => {
    send(2 * i, header(port));
    send(2 * i + 1, header(port));
  });
  let remaining = ports.length;
  const done = () => {
    remaining -= 1;
    if (remaining === 0) ws.close(1000);
  };
  const sinks = ports.map((port, i): { write(data: Buffer): void; end(): void } | undefined => {
    const fail = (message: string) => {
      send(
        2 * i + 1,
        Buffer.from(`error forwarding port ${port} to pod ${pod.metadata.uid}, uid : ${message}`),
      );
      done();
    };
    const backend = backends.find(pod, port);
    if (!backend)
      return void fail(
        `failed to connect to localhost:${port} inside namespace "${pod.metadata.name}", IPv4: dial tcp4 127.0.0.1:${port}: connect: connection refused`,
      );
    if ('standin' in backend) {
      // A stand-in has no socket: rotor reaches it in-process. The forward stays open (the port is
      // "listening") and bytes sent to it are refused on the error channel.
      return {
        write: () =>
          fail(`the sandbox stand-in ${backend.standin} answers rotor in-process only, not over a forward`),
        end: () => {},
      };
    }
    const [host, portText] = [backend.tcp.replace(/:\d+$/, ''), backend.tcp.replace(/^.*:/, '')];
    const socket: Socket = connect(Number(portText), host);
    socket.on('data', (data: Buffer) => send(2 * i, data));
    socket.on('error', (error) =>
      fail(
        `failed to connect to localhost:${port} inside namespace "${pod.metadata.name}": ${error.message}`,
      ),
    );
    socket.on('close', (hadError) => {
      if (!hadError) done();
    });
    return { write: (data) => void socket.write(data), end: () => void socket.destroy() };
  });
  ws.on('message', (raw: Buffer, isBinary: boolean) => {
    const frame = isBinary ? raw : Buffer.from(raw.toString('utf8'), 'utf8');
    if (!frame.length) return;
    const channel = isBinary ? frame[0] : frame[0] - 0x30;
    const data = isBinary ? frame.subarray(1) : Buffer.from(frame.subarray(1).toString('utf8'), 'base64');
    if (channel % 2 === 0) sinks[channel / 2]?.write(data);
  });
  ws.on('close', () => {
    for (const sink of sinks) sink?.end();
  });
}
