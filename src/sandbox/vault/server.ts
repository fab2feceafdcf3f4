import { createServer as createHttpServer, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { ServingCertificate } from '../kubernetes/tls.js';
import { handleRequest, type CoreDeps } from './core.js';
import { answerListVerb } from './list-verb.js';

/**
 * Vault's listener keeps an idle connection for `http_idle_timeout`, 5 minutes by default: a
 * client that reuses its connections between steps (rollout waits included) must see that here.
 */
const IDLE_TIMEOUT_MS = 5 * 60_000;

/** What the listener has seen, for tests and benchmarks that count connections and handshakes. */
export interface ListenerCounts {
  /** TCP connections accepted. */
  connections: number;
  /** TLS handshakes completed (0 over plain HTTP). */
  handshakes: number;
  /** HTTP requests answered. */
  requests: number;
}

const MAX_BODY = 32 * 1024 * 1024;

/** Serves the request pipeline over HTTP; answers with Vault's headers and JSON bodies. */
export async function listen(
  deps: CoreDeps,
  host: string,
  port: number,
  tls?: ServingCertificate,
): Promise<{ server: Server; url: string; counts: ListenerCounts }> {
  const counts: ListenerCounts = { connections: 0, handshakes: 0, requests: 0 };
  const handler: RequestListener = (req, res) => {
    counts.requests++;
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        res
          .writeHead(413, { 'content-type': 'application/json' })
          .end('{"errors":["request body too large"]}');
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      void handleRequest(deps, {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers: req.headers,
        body: Buffer.concat(chunks),
      }).then((reply) => {
        if (res.headersSent) return;
        const headers: Record<string, string> = { 'cache-control': 'no-store' };
        if (reply.raw) {
          res
            .writeHead(reply.status, { ...headers, 'content-type': reply.raw.contentType })
            .end(reply.raw.text);
          return;
        }
        if (reply.body === undefined || reply.status === 204) {
          res.writeHead(reply.status, headers).end();
          return;
        }
        const json = `${JSON.stringify(reply.body)}\n`;
        headers['content-type'] = 'application/json';
        res.writeHead(reply.status, headers).end(req.method === 'HEAD' ? undefined : json);
      });
    });
  };
  const server: Server = tls
    ? createHttpsServer({ cert: tls.certPem, key: tls.keyPem }, handler)
    : createHttpServer(handler);
  server.on('clientError', (error: Error & { code?: string }, socket) => {
    if (answerListVerb(deps, error, socket)) return;
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  server.on('connection', () => counts.connections++);
  server.on('secureConnection', () => counts.handshakes++);
  // close() ends idle keep-alive connections itself (closeAllConnections).
  server.keepAliveTimeout = IDLE_TIMEOUT_MS;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return { server, url: `${tls ? 'https' : 'http'}://${shownHost}:${address.port}`, counts };
}
