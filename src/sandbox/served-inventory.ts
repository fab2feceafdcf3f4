import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { stringify } from 'yaml';
import type { World } from '../session/world.js';
import type { SandboxHandles } from './world.js';

/** The environment `rotor sandbox` writes for the world it serves. */
export const SERVED_ENVIRONMENT = 'sandbox-served';

/** Where the served sandbox keeps its administrators' credentials, for the inventory to reference. */
const ADMIN_PATHS = { postgres: 'harmonyflow/postgres-admin', rabbitmq: 'harmonyflow/rabbitmq-admin' };

/**
 * The secrets emergency can rotate from another process: the data stores' stand-ins answer only
 * inside the process that serves them, so their secrets are left to `--env sandbox`.
 */
const REACHABLE_SECRETS = [
  'harmonyflow/session-state-service',
  'harmonyflow/admin',
  'harmonyflow/iot-api-key',
].join(',');

/**
 * Writes the inventory of a served sandbox (mode 0600): its Vault and Kubernetes emulators as an
 * ordinary environment, its addresses as inputs, and its administrators' credentials as Vault
 * references (stored in its Vault first), so another shell runs with nothing but VAULT_TOKEN
 * and ROTOR_INVENTORY. Returns the file.
 */
export async function writeServedInventory(
  world: World & { sandbox: SandboxHandles },
  file: string,
): Promise<string> {
  const { vault, kube } = world.sandbox;
  const env = world.env;
  const kv = world.ports.vault!;
  await kv.kvWrite({ mount: 'secret', path: ADMIN_PATHS.postgres }, { url: env.ROTOR_SANDBOX_PG_ADMIN_URL! });
  await kv.kvWrite(
    { mount: 'secret', path: ADMIN_PATHS.rabbitmq },
    { username: 'admin', password: env.ROTOR_SANDBOX_RABBITMQ_ADMIN_PASSWORD! },
  );
  const pgAdmin = { vault: ADMIN_PATHS.postgres, field: 'url' };
  const rabbitAdmin = { vault: ADMIN_PATHS.rabbitmq, field: 'password' };
  const inventory = {
    environments: {
      [SERVED_ENVIRONMENT]: {
        description: `the sandbox served at ${vault.url} (rotor sandbox)`,
        vault: { address: vault.url, auth: { method: 'token' } },
        kubernetes: { kubeconfig: kube.kubeconfigPath, context: kube.context },
        inputs: {
          service_url: env.ROTOR_SERVICE_URL,
          nodes: env.ROTOR_SANDBOX_REDIS_NODES,
          redis_nodes: env.ROTOR_SANDBOX_REDIS_NODES,
          management_url: env.ROTOR_SANDBOX_RABBITMQ_API,
          amqp_url: env.ROTOR_SANDBOX_RABBITMQ_AMQP,
          db_url: env.ROTOR_SANDBOX_PG_URL,
          postgres_url: env.ROTOR_SANDBOX_PG_URL,
        },
        runbooks: {
          postgres: { admin_url: pgAdmin },
          rabbitmq: { admin_password: rabbitAdmin },
          emergency: {
            secret_paths: REACHABLE_SECRETS,
            admin_url: pgAdmin,
            admin_token: { vault: 'harmonyflow/admin', field: 'api-token' },
            rabbitmq_admin_password: rabbitAdmin,
          },
        },
      },
    },
  };
  const text = [
    '# Written by `rotor sandbox` for the world it serves; gone when it stops.',
    '# The *.sandbox data stores answer only inside that process: emergency here rotates the',
    '# secrets no data store holds (`rotor run emergency --env sandbox` rotates them all).',
    stringify(inventory),
  ].join('\n');
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, text, { mode: 0o600 });
  chmodSync(file, 0o600);
  return file;
}
