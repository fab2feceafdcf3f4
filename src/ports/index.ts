import { RotorError } from '../errors.js';
import type { VaultPort } from './vault-port.js';
import type { KubePort } from './kubernetes-port.js';
import type { PostgresPort } from './postgres-port.js';
import type { RedisPort } from './redis-port.js';
import type { RabbitPort } from './rabbitmq-port.js';
import type { HttpPort } from './http-port.js';
import type { ScriptPort } from './script-port.js';

/** Time, injectable so retries, timeouts and schedules are tested without waiting. */
export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/**
 * Every port an action may use. Each system's port is narrow (only what its actions call) and is
 * implemented twice: by `src/adapters` over the real client library, and by the sandbox.
 * A port is absent when the environment has no such system configured.
 */
export interface Ports {
  clock: Clock;
  http: HttpPort;
  vault?: VaultPort;
  kube?: KubePort;
  postgres?: PostgresPort;
  redis?: RedisPort;
  rabbitmq?: RabbitPort;
  scripts?: ScriptPort;
}

const systemNames: Record<keyof Ports, string> = {
  clock: 'clock',
  http: 'HTTP',
  vault: 'Vault',
  kube: 'Kubernetes',
  postgres: 'PostgreSQL',
  redis: 'Redis',
  rabbitmq: 'RabbitMQ',
  scripts: 'script runner',
};

/** How an operator gives an environment the systems that can be missing (src/session/connect.ts). */
const configure: Partial<Record<keyof Ports, string>> = {
  vault:
    'set VAULT_ADDR and VAULT_TOKEN, or make a profile with one (rotor env add <name> --vault-addr <url>) and pass --env <name>',
  kube: 'set KUBECONFIG, or make a profile with a context (rotor env add <name> --context <context>) and pass --env <name>',
};

/** The port an action needs, or a clear error naming what the environment lacks. */
export function need<K extends keyof Ports>(ports: Ports, name: K): NonNullable<Ports[K]> {
  const port = ports[name];
  if (!port) {
    throw new RotorError(`this environment has no ${systemNames[name]} connection`, {
      hint: `${configure[name] ?? `configure ${systemNames[name]} for the environment`}, or run with --env sandbox`,
    });
  }
  return port as NonNullable<Ports[K]>;
}
