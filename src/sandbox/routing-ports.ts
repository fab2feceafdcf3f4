import type { PostgresPort } from '../actions/postgres-port.js';
import type { RabbitPort } from '../actions/rabbitmq-port.js';
import type { RedisPort } from '../actions/redis-port.js';
import { reveal } from '../engine/secret.js';

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
 * Stand-ins answer for `*.sandbox` hosts; anything else a trainee names goes to the real client,
 * so a drill can include a real server on purpose but never touches one by accident.
 */
export function routePostgres(standin: PostgresPort, real: PostgresPort): PostgresPort {
  const pick = (url: unknown) => (isSandboxHost(reveal(url)) ? standin : real);
  return {
    admin: (target) => pick(target.url).admin(target),
    tryLogin: (target, role, password) => pick(target.url).tryLogin(target, role, password),
  };
}

export function routeRedis(standin: RedisPort, real: RedisPort): RedisPort {
  const pick = (node: string) => (isSandboxHost(node) ? standin : real);
  return {
    open: (node, auth, options) => pick(node).open(node, auth, options),
    tryAuth: (node, auth, options) => pick(node).tryAuth(node, auth, options),
  };
}

export function routeRabbit(standin: RabbitPort, real: RabbitPort): RabbitPort {
  const pick = (url: string) => (isSandboxHost(url) ? standin : real);
  return {
    getUser: (api, name) => pick(api.url).getUser(api, name),
    putUser: (api, name, update) => pick(api.url).putUser(api, name, update),
    // rabbitmqctl reaches the broker beside rotor: in the sandbox, that is the stand-in.
    changePasswordLocally: (name, password, options) =>
      standin.changePasswordLocally(name, password, options),
    amqpLogin: (target, username, password) => pick(target.url).amqpLogin(target, username, password),
  };
}
