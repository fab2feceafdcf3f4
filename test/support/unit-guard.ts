/**
 * Setup of the `unit` test project: proves the fast tier needs no servers and no processes. A
 * connection to the shared PostgreSQL, Redis or RabbitMQ ports on this machine, or any child
 * process, fails the test at once with a message naming what it tried. Tests that need either
 * belong to the `integration` project (vitest.config.ts).
 */
import childProcess from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';

/** PostgreSQL, Redis, RabbitMQ (AMQP) and RabbitMQ's management API. */
const SHARED_PORTS = new Set([5432, 6379, 5672, 15672]);
const LOOPBACK = new Set([undefined, '', 'localhost', '127.0.0.1', '::1', '0.0.0.0', '::']);

const MOVE =
  'the unit project runs without servers or processes: move this test to the integration project (vitest.config.ts)';

/** The port and host of any of Socket#connect's call shapes (options, port+host, normalised array). */
function target(args: unknown[]): { port?: number; host?: string } {
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  if (first && typeof first === 'object') {
    const o = first as { port?: number | string; host?: string; path?: string };
    return o.path !== undefined ? {} : { port: Number(o.port), host: o.host };
  }
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first)))
    return { port: Number(first), host: typeof args[1] === 'string' ? args[1] : undefined };
  return {};
}

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: unknown[]) {
  const { port, host } = target(args);
  if (port !== undefined && SHARED_PORTS.has(port) && LOOPBACK.has(host))
    throw new Error(`unit test connected to ${host ?? 'localhost'}:${port}, a shared server: ${MOVE}`);
  return (connect as (...a: unknown[]) => net.Socket).apply(this, args);
} as typeof connect;

const SPAWNERS = ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'] as const;
for (const name of SPAWNERS) {
  (childProcess as unknown as Record<string, unknown>)[name] = (file: unknown) => {
    throw new Error(`unit test started a process (child_process.${name} ${String(file)}): ${MOVE}`);
  };
}
// Named imports of node:child_process (execa's among them) see the guarded functions too.
syncBuiltinESMExports();
