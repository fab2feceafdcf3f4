import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fetchHttp } from '../adapters/http.js';
import { createKubePort } from '../adapters/kubernetes.js';
import { pgPostgres } from '../adapters/postgres.js';
import { rabbitMq } from '../adapters/rabbitmq.js';
import { ioRedis } from '../adapters/redis.js';
import { execaScripts } from '../adapters/script-runner.js';
import type { Profile } from '../adapters/settings.js';
import { createVaultPort, vaultConfigFromEnv } from '../adapters/vault.js';
import type { Ports } from '../actions/ports.js';
import { applyFaults } from '../sandbox/faults.js';
import { startSandboxWorld } from '../sandbox/world.js';
import type { EnvironmentInfo } from './types.js';
import { systemClock, type World } from './world.js';

type Env = Readonly<Record<string, string | undefined>>;

/** Whether kubectl would find a cluster here: KUBECONFIG, ~/.kube/config, or a pod's service account. */
function hasKubeconfig(env: Env): boolean {
  return (
    Boolean(env.KUBECONFIG) ||
    existsSync(join(homedir(), '.kube', 'config')) ||
    existsSync('/var/run/secrets/kubernetes.io/serviceaccount/token')
  );
}

/**
 * Connects an environment: the sandbox starts its embedded world (with any rehearsal faults);
 * any other uses the real adapters over the shell's variables, with a profile's settings winning.
 * A system with no configuration is left out, and a step that needs it says so.
 */
export async function connectEnvironment(
  environment: EnvironmentInfo,
  profiles: readonly Profile[],
  env: Env,
  options: { faults?: readonly string[]; allowRealTargets?: boolean } = {},
): Promise<World> {
  if (environment.sandbox) {
    const world = await startSandboxWorld({ allowRealTargets: options.allowRealTargets });
    try {
      applyFaults(world.sandbox, options.faults ?? []);
    } catch (error) {
      await world.close();
      throw error;
    }
    return world;
  }
  const profile = profiles.find((p) => p.name === environment.name);
  const ports: Ports = {
    clock: systemClock,
    http: fetchHttp,
    postgres: pgPostgres,
    redis: ioRedis,
    rabbitmq: rabbitMq,
    scripts: execaScripts,
  };
  const notes: string[] = [];
  if (profile?.vaultAddr || env.VAULT_ADDR) {
    const config = vaultConfigFromEnv(
      env,
      homedir(),
      profile?.vaultAddr ? { address: profile.vaultAddr, namespace: profile.vaultNamespace } : {},
    );
    ports.vault = await createVaultPort(config);
    notes.push(`Vault at ${config.address}`);
  }
  if (profile?.kubeContext || hasKubeconfig(env)) {
    ports.kube = createKubePort({ context: profile?.kubeContext, env });
    notes.push(`Kubernetes at ${ports.kube.where}`);
  }
  return {
    environment: environment.name,
    ports,
    env: {},
    notes,
    close: async () => ports.vault?.close(),
  };
}
