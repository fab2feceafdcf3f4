// A TCP relay on 127.0.0.1 that delays each direction by half a round trip, so a client on the
// loopback sees a server `rttMs` away (its TCP and TLS handshakes included). Bounded: at most
// MAX_CONNECTIONS at once, at most MAX_BUFFERED bytes held per direction (the sender is paused
// beyond that), and only a target on 127.0.0.1. Counts the connections it relayed.
import { connect, createServer } from 'node:net';

const MAX_CONNECTIONS = 256;
const MAX_BUFFERED = 4 * 2 ** 20;

/** Pipes `from` into `to`, each chunk delivered `delayMs` after it arrived, in order. */
function delayedPipe(from, to, delayMs) {
  const queue = [];
  let buffered = 0;
  let timer;
  let ended = false;
  const flush = () => {
    timer = undefined;
    const now = performance.now();
    while (queue.length && queue[0].due <= now) {
      const { chunk } = queue.shift();
      buffered -= chunk.length;
      if (!to.destroyed) to.write(chunk);
    }
    if (buffered < MAX_BUFFERED && from.isPaused()) from.resume();
    if (queue.length) timer = setTimeout(flush, Math.max(0, queue[0].due - now));
    else if (ended) to.end();
  };
  from.on('data', (chunk) => {
    queue.push({ chunk, due: performance.now() + delayMs });
    buffered += chunk.length;
    if (buffered >= MAX_BUFFERED) from.pause();
    timer ??= setTimeout(flush, delayMs);
  });
  from.on('end', () => {
    ended = true;
    if (!queue.length && !timer) to.end();
  });
}

/**
 * Starts a relay to 127.0.0.1:`targetPort` with a round trip of `rttMs`. Returns its port, the
 * connections it has accepted so far, and close().
 */
export async function startLatencyProxy(targetPort, rttMs) {
  const stats = { connections: 0, open: 0 };
  const sockets = new Set();
  const server = createServer((client) => {
    if (stats.open >= MAX_CONNECTIONS) return client.destroy();
    stats.connections++;
    stats.open++;
    const upstream = connect({ host: '127.0.0.1', port: targetPort });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.setNoDelay(true);
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
      s.on('close', () => sockets.delete(s));
    }
    client.on('close', () => stats.open--);
    delayedPipe(client, upstream, rttMs / 2);
    delayedPipe(upstream, client, rttMs / 2);
  });
  server.maxConnections = MAX_CONNECTIONS;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: server.address().port,
    stats,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
