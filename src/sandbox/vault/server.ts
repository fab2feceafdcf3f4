import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleRequest, type CoreDeps } from './core.js';
import { answerListVerb } from './list-verb.js';

const MAX_BODY = 32 * 1024 * 1024;

/** Serves the request pipeline over HTTP; answers with Vault's headers and JSON bodies. */
export async function listen(
  deps: CoreDeps,
  host: string,
  port: number,
): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
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
  });
  server.on('clientError', (error: Error & { code?: string }, socket) => {
    if (answerListVerb(deps, error, socket)) return;
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  // Keep-alive sockets from clients would otherwise hold close() open.
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return { server, url: `http://${shownHost}:${address.port}` };
}
