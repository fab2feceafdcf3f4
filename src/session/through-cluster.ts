import type { Ports } from '../ports/index.js';
import type { RedisPort, RedisSession } from '../ports/redis-port.js';
import { isSecret, reveal, Secret } from '../engine/secret.js';
import { RotorError, UsageError } from '../errors.js';
import { localUrl, parseK8sAddress, type K8sAddress } from '../k8s-address/k8s-address.js';

/** How `k8s://` targets are reached: checked before the first step, then bridged to a loopback address. */
export interface ClusterRoutes {
  check(target: K8sAddress): Promise<void>;
  /** `host:port` a client dials to reach the target (a loopback bridge, or a sandbox stand-in's address). */
  local(target: K8sAddress): Promise<string>;
}

const noCluster = (t: K8sAddress) =>
  new UsageError(
    `${t.address} is reached through Kubernetes, and this environment has no Kubernetes connection`,
    'give the environment a kubeconfig context (rotor env add <name> --context <context>), or set KUBECONFIG',
  );

/**
 * Wraps the target ports so a `k8s://` address in a Redis node, a PostgreSQL URL, a RabbitMQ
 * management or AMQP URL, or an HTTP check's URL is dialled through a port-forward; any other
 * address passes unchanged. Messages name the cluster address, never the loopback bridge.
 */
export function throughCluster(ports: Ports, routes: ClusterRoutes | undefined): Ports {
  async function via<T>(text: string, scheme: string, call: (local: string) => Promise<T>): Promise<T> {
    const target = parseK8sAddress(text);
    if (!target) return call(text);
    if (!routes) throw noCluster(target);
    const hostPort = await routes.local(target);
    try {
      return await call(scheme ? localUrl(target, scheme, hostPort) : hostPort);
    } catch (error) {
      if (error instanceof RotorError) error.message = error.message.split(hostPort).join(target.address);
      throw error;
    }
  }
  const node = (text: string, call: (local: string) => Promise<unknown>) => via(text, '', call);
  const out: Ports = { ...ports };
  const { postgres, redis, rabbitmq, http } = ports;
  if (postgres) {
    const wrap = <T>(url: unknown, fn: (url: Secret) => Promise<T>) =>
      via(reveal(url), 'postgresql', (local) => fn(new Secret(local, isSecret(url) ? url.label : 'url')));
    out.postgres = {
      admin: async (target) => {
        const session = await wrap(target.url, (url) => postgres.admin({ ...target, url }));
        const cluster = parseK8sAddress(reveal(target.url));
        return cluster ? withWhere(session, cluster.address) : session;
      },
      tryLogin: (target, role, password) =>
        wrap(target.url, (url) => postgres.tryLogin({ ...target, url }, role, password)),
    };
  }
  if (redis) out.redis = redisThrough(redis, node);
  if (rabbitmq) {
    out.rabbitmq = {
      getUser: (api, name) => via(api.url, 'http', (url) => rabbitmq.getUser({ ...api, url }, name)),
      putUser: (api, name, update) =>
        via(api.url, 'http', (url) => rabbitmq.putUser({ ...api, url }, name, update)),
      changePasswordLocally: (name, password, options) =>
        rabbitmq.changePasswordLocally(name, password, options),
      amqpLogin: (target, username, password) =>
        via(target.url, 'amqp', (url) => rabbitmq.amqpLogin({ ...target, url }, username, password)),
    };
  }
  out.http = {
    request: (request) => {
      const target = parseK8sAddress(request.url);
      return via(request.url, 'http', (url) =>
        http.request({
          ...request,
          url,
          printAs:
            request.printAs ?? (target ? `${target.address}${target.rest.replace(/\?.*$/, '')}` : undefined),
        }),
      );
    },
  };
  return out;
}

function redisThrough(
  redis: RedisPort,
  node: (text: string, call: (local: string) => Promise<unknown>) => Promise<unknown>,
): RedisPort {
  return {
    open: async (at, auth, options) => {
      const session = (await node(at, (local) => redis.open(local, auth, options))) as RedisSession;
      if (session.where === at || !parseK8sAddress(at)) return session;
      // Messages and the journal name the node as the operator wrote it.
      return withWhere(session, parseK8sAddress(at)!.address);
    },
    tryAuth: (at, auth, options) =>
      node(at, (local) => redis.tryAuth(local, auth, options)) as Promise<boolean>,
  };
}

/** The session as it is, but naming the cluster address as where it is connected. */
function withWhere<T extends object & { where: string }>(session: T, where: string): T {
  return new Proxy(session, {
    get: (s, key) => {
      if (key === 'where') return where;
      const value = Reflect.get(s, key, s) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(s) : value;
    },
  });
}

/** Every distinct cluster address among the values, for the check before the first step. */
export function clusterAddresses(values: readonly string[]): K8sAddress[] {
  const found = new Map<string, K8sAddress>();
  for (const value of values) {
    for (const part of value.split(',')) {
      const target = parseK8sAddress(part);
      if (target) found.set(target.address, target);
    }
  }
  return [...found.values()];
}

/** Before the first step: each cluster address resolves and may be forwarded to; else exit 2 naming it. */
export async function checkClusterTargets(
  values: readonly string[],
  routes: ClusterRoutes | undefined,
): Promise<void> {
  for (const target of clusterAddresses(values)) {
    if (!routes) throw noCluster(target);
    await routes.check(target);
  }
}
