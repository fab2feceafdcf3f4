import { homedir } from 'node:os';
import { fetchHttp } from '../adapters/http.js';
import { kubePortFor, resolveKubeConfig } from '../adapters/kubernetes.js';
import { clusterForwarder, type ClusterForwarder } from '../adapters/kubernetes-port-forward.js';
import { pgPostgres } from '../adapters/postgres.js';
import { rabbitMq } from '../adapters/rabbitmq.js';
import { ioRedis } from '../adapters/redis.js';
import { execaScripts } from '../adapters/script-runner.js';
import type { Profile } from '../adapters/settings.js';
import { createVaultPort } from '../adapters/vault.js';
import type { Ports } from '../ports/index.js';
import { applyFaults } from '../sandbox/faults.js';
import { startSandboxWorld } from '../sandbox/world.js';
import { connectionSettings } from './profile-connection.js';
import { judgeTls } from './tls-policy.js';
import type { EnvironmentInfo } from './types.js';
import { throughCluster } from './through-cluster.js';
import { systemClock, type World } from './world.js';

type Env = Readonly<Record<string, string | undefined>>;

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
    // ROTOR_SANDBOX_TLS=1: the in-process Vault speaks HTTPS too, so a rehearsal takes the TLS path.
    const world = await startSandboxWorld({
      allowRealTargets: options.allowRealTargets,
      vaultTls: env.ROTOR_SANDBOX_TLS === '1',
    });
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
  // TLS is judged before anything is sent: a refused connection never carries a token.
  const settings = connectionSettings(environment, profile, env, homedir());
  const warnings = [...settings.warnings];
  const tls: NonNullable<World['tls']> = { vault: settings.vaultTls };
  const kube = settings.kube ? resolveKubeConfig(settings.kube) : undefined;
  if (kube) {
    tls.kubernetes = kube.tls;
    const where = `context ${kube.context} (${kube.server})`;
    const host = kube.server.replace(/:\d+$/, '');
    const warning = judgeTls(environment, profile, { system: 'Kubernetes', mode: kube.tls, where, host });
    if (warning) warnings.push(warning);
  }
  if (settings.vault) {
    ports.vault = await createVaultPort(settings.vault);
    notes.push(`Vault at ${settings.vault.address}`);
  }
  let forwarder: ClusterForwarder | undefined;
  if (kube) {
    ports.kube = kubePortFor(kube);
    notes.push(`Kubernetes at ${ports.kube.where}`);
    forwarder = clusterForwarder(kube.kc);
  }
  return {
    environment: environment.name,
    ports: throughCluster(ports, forwarder),
    env: {},
    notes,
    tls,
    warnings,
    clusterRoutes: forwarder,
    close: async () => {
      await forwarder?.close();
      ports.vault?.close();
      ports.kube?.close?.();
    },
  };
}
