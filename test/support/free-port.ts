import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** A TCP port on 127.0.0.1 that was free a moment ago (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Whether 127.0.0.1:port can be bound right now. */
function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** The kernel's ephemeral range (ports it gives to listen(0) and to outgoing connections). */
function ephemeralRange(): [number, number] {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim()
      .split(/\s+/)
      .map(Number);
    if (low > 0 && high >= low) return [low, high];
  } catch {
    // not Linux: the IANA range most systems use
  }
  return [49152, 65535];
}

/**
 * A port for a server a test starts as its own process (PostgreSQL, Redis), free a moment ago.
 * Picked at random below the kernel's ephemeral range: a port from freePort() lies inside it, where
 * any of the suite's outgoing connections or listen(0) calls may take it again before the server
 * binds it, and a busy machine leaves plenty of time for that.
 */
export async function serverPort(): Promise<number> {
  const [ephemeralLow] = ephemeralRange();
  const low = 20_000;
  const high = ephemeralLow > low + 1000 ? ephemeralLow - 1 : 29_999;
  for (let tries = 0; tries < 50; tries++) {
    const port = low + Math.floor(Math.random() * (high - low + 1));
    if (await canBind(port)) return port;
  }
  return freePort();
}
