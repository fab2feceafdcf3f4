import { homedir } from 'node:os';
import { isVaultError, type VaultPort } from '../ports/vault-port.js';
import { checkCluster, type CheckCluster } from '../adapters/kubernetes-check.js';
import { resolveKubeConfig, type ResolvedKubeConfig } from '../adapters/kubernetes-config.js';
import type { Digest } from '../check/cluster-view.js';
import type { VaultRead } from '../check/judge-vault.js';
import { probeTarget, type ProbePorts } from '../check/probe.js';
import type { CheckSources, PolicyFacts } from '../check/sources.js';
import { HistoryStore } from '../policy/history-store.js';
import { PolicyStore } from '../policy/policy-store.js';
import { storeLocationFromEnv } from '../policy/store-layout.js';
import type { StoreHost } from '../services/stores.js';

type Env = Readonly<Record<string, string | undefined>>;

/** Sources for a check, the environment they belong to, and how to let go of them. */
export interface OpenedSources {
  sources: CheckSources;
  environment: string;
  close(): Promise<void>;
}

/** Vault's answer for a path, the data kept in memory for the comparison only. */
export async function readVaultPath(vault: VaultPort, path: string): Promise<VaultRead> {
  try {
    const read = await vault.kvRead({ mount: 'secret', path });
    return { kind: 'ok', version: read.version, createdTime: read.createdTime, data: read.data };
  } catch (error) {
    if (isVaultError(error, 'not-found') || isVaultError(error, 'deleted'))
      return { kind: 'missing', why: `nothing readable at secret/${path}` };
    if (isVaultError(error, 'permission-denied') || isVaultError(error, 'invalid-token'))
      return {
        kind: 'forbidden',
        why: `Vault refused secret/${path} (${isVaultError(error) ? (error.status ?? 403) : 403})`,
      };
    return {
      kind: 'unreachable',
      why: isVaultError(error) ? error.message : `Vault at ${vault.address} did not answer`,
    };
  }
}

/** Policies and last rotations from the environment's store. */
export async function policyFacts(vault: VaultPort, env: Env): Promise<PolicyFacts> {
  const location = storeLocationFromEnv(env);
  const [{ policies }, last] = await Promise.all([
    new PolicyStore(vault, location).list(),
    new HistoryStore(vault, location).lastRotations(),
  ]);
  const lastSuccess = new Map<string, Date>();
  for (const [path, r] of last) if (r.last_success) lastSuccess.set(path, new Date(r.last_success));
  return { policies, lastSuccess };
}

/** Check sources over a Vault port and, when there is one, a cluster. */
export function sourcesOver(
  vault: VaultPort,
  kube: ResolvedKubeConfig | undefined,
  digest: Digest,
  env: Env,
): CheckSources {
  const noCluster = {
    why: 'no Kubernetes cluster configured (KUBECONFIG, ~/.kube/config or a profile context)',
  };
  const cluster: CheckCluster | undefined = kube ? checkCluster(kube, digest) : undefined;
  return {
    policies: () => policyFacts(vault, env),
    readVault: (path) => readVaultPath(vault, path),
    externalSecrets: async () => (cluster ? cluster.externalSecrets() : noCluster),
    secret: async (ns, name) =>
      cluster ? cluster.secret(ns, name) : { error: 'unreachable', why: noCluster.why },
    pods: async (ns) => (cluster ? cluster.pods(ns) : noCluster),
  };
}

/**
 * Connects an environment for checking: the sandbox starts its world with its drift seeded (and
 * any `--fault`); others connect as a session would, from the shell and the profile.
 */
export async function openCheckSources(
  host: StoreHost,
  name: string | undefined,
  faults: readonly string[],
  digest: Digest,
  probe = false,
): Promise<OpenedSources> {
  const withProbe = async (sources: CheckSources, ports: ProbePorts): Promise<CheckSources> =>
    probe ? { ...sources, probe: (_path, policy, vault) => probeTarget(ports, policy, vault) } : sources;
  const { environment, profiles } = await host.resolve(name);
  if (environment.sandbox) {
    const { startSandboxWorld } = await import('../sandbox/world.js');
    const { applyFaults } = await import('../sandbox/faults.js');
    const world = await startSandboxWorld({ drift: true });
    try {
      applyFaults(world.sandbox, faults);
    } catch (error) {
      await world.close();
      throw error;
    }
    const kube = resolveKubeConfig({
      kubeconfig: world.sandbox.kube.kubeconfigPath,
      context: world.sandbox.kube.context,
    });
    // The sandbox's own stand-ins answer for its *.sandbox hosts.
    const ports = { postgres: world.ports.postgres!, redis: world.ports.redis! };
    return {
      sources: await withProbe(sourcesOver(world.ports.vault!, kube, digest, host.env), ports),
      environment: environment.name,
      close: world.close,
    };
  }
  const { connectionSettings } = await import('../session/profile-connection.js');
  const profile = profiles.find((p) => p.name === environment.name);
  const settings = connectionSettings(environment, profile, host.env, homedir(), {
    requireVault: true,
    renewToken: false,
  });
  for (const warning of settings.warnings) process.stderr.write(`rotor: warning: ${warning}\n`);
  const { createVaultPort } = await import('../adapters/vault.js');
  const vault = await createVaultPort(settings.vault!);
  const kube = settings.kube ? resolveKubeConfig(settings.kube) : undefined;
  const [{ pgPostgres }, { ioRedis }] = await Promise.all([
    import('../adapters/postgres.js'),
    import('../adapters/redis.js'),
  ]);
  return {
    sources: await withProbe(sourcesOver(vault, kube, digest, host.env), {
      postgres: pgPostgres,
      redis: ioRedis,
    }),
    environment: environment.name,
    close: async () => vault.close(),
  };
}
