import type { HttpPort } from '../ports/http-port.js';
import type { PostgresPort } from '../ports/postgres-port.js';
import type { RabbitPort } from '../ports/rabbitmq-port.js';
import type { RedisPort } from '../ports/redis-port.js';
import { reveal } from '../engine/secret.js';
import { dialledAddress, guardTarget, type SandboxTargets } from './target-guard.js';

/** True for addresses the sandbox answers itself (`*.sandbox`). */
export function isSandboxHost(address: string): boolean {
  try {
    const host = address.includes('://') ? new URL(address).hostname : address.split(':')[0];
    return host.endsWith('.sandbox');
  } catch {
    return false;
  }
}

/**
 * The last check before a real client dials from a sandbox session: whatever a runbook computed
 * at run time (a host read from Vault, a custom runbook's literal) passes here. A value with no
 * host at all (`postgres:///db` means the local socket) is refused too.
 */
function guarded(targets: SandboxTargets, system: string, value: string): void {
  // The value itself may hold a credential: only a host:port is ever shown.
  guardTarget(targets, system, dialledAddress(value) ?? 'no host (a local socket or a default)');
}

/**
 * Stand-ins answer for `*.sandbox` hosts; anything else goes to the real client only when it is
 * a server the sandbox started or the operator passed --allow-real-targets.
 */
export function routePostgres(
  standin: PostgresPort,
  real: PostgresPort,
  targets: SandboxTargets,
): PostgresPort {
  const pick = (url: unknown) => {
    if (isSandboxHost(reveal(url))) return standin;
    guarded(targets, 'PostgreSQL', reveal(url));
    return real;
  };
  return {
    admin: async (target) => pick(target.url).admin(target),
    tryLogin: async (target, role, password) => pick(target.url).tryLogin(target, role, password),
  };
}

export function routeRedis(standin: RedisPort, real: RedisPort, targets: SandboxTargets): RedisPort {
  const pick = (node: string) => {
    if (isSandboxHost(node)) return standin;
    guarded(targets, 'Redis node', node);
    return real;
  };
  return {
    open: async (node, auth, options) => pick(node).open(node, auth, options),
    tryAuth: async (node, auth, options) => pick(node).tryAuth(node, auth, options),
  };
}

export function routeRabbit(standin: RabbitPort, real: RabbitPort, targets: SandboxTargets): RabbitPort {
  const pick = (system: string, url: string) => {
    if (isSandboxHost(url)) return standin;
    guarded(targets, system, url);
    return real;
  };
  const api = 'RabbitMQ management API';
  return {
    getUser: async (target, name) => pick(api, target.url).getUser(target, name),
    putUser: async (target, name, update) => pick(api, target.url).putUser(target, name, update),
    // rabbitmqctl reaches the broker beside rotor: in the sandbox, that is the stand-in.
    changePasswordLocally: (name, password, options) =>
      standin.changePasswordLocally(name, password, options),
    amqpLogin: async (target, username, password) =>
      pick('RabbitMQ AMQP', target.url).amqpLogin(target, username, password),
  };
}

/** HTTP checks reach the sandbox's own servers only (the session-state-service, the emulators). */
export function guardHttp(real: HttpPort, targets: SandboxTargets): HttpPort {
  return {
    request: async (request) => {
      guarded(targets, 'HTTP', request.url);
      return real.request(request);
    },
  };
}
