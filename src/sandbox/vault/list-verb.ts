import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { handleRequest, type CoreDeps } from './core.js';

/**
 * Vault's own clients send lists with the `LIST` HTTP verb (hvac, hashi-vault-js, the Go API
 * client before it switched to `GET ?list=true`). Node's HTTP parser does not know that verb and
 * fails the request before any handler runs; the server's `clientError` hands us the bytes it
 * read, and this answers them through the same pipeline. The connection is closed afterwards
 * (the parser that failed cannot go on with it): clients open a new one, as after any close.
 */
export function answerListVerb(
  deps: CoreDeps,
  error: Error & { code?: string; rawPacket?: Buffer },
  socket: Duplex,
): boolean {
  const raw = error.rawPacket;
  if (error.code !== 'HPE_INVALID_METHOD' || !raw || raw.subarray(0, 5).toString('latin1') !== 'LIST ')
    return false;
  const text = raw.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  const lines = text.slice(0, end < 0 ? text.length : end).split('\r\n');
  const target = /^LIST (\S+) HTTP\/1\.[01]$/.exec(lines[0])?.[1];
  if (end < 0 || !target) {
    socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    return true;
  }
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  void handleRequest(deps, { method: 'LIST', url: target, headers, body: Buffer.alloc(0) }).then((reply) => {
    const json = reply.body === undefined || reply.status === 204 ? '' : `${JSON.stringify(reply.body)}\n`;
    const head = [
      `HTTP/1.1 ${reply.status} ${STATUS_CODES[reply.status] ?? ''}`,
      'Cache-Control: no-store',
      ...(json ? ['Content-Type: application/json'] : []),
      `Content-Length: ${Buffer.byteLength(json)}`,
      'Connection: close',
    ];
    socket.end(`${head.join('\r\n')}\r\n\r\n${json}`);
  });
  return true;
}
