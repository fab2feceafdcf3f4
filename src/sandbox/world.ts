import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fetchHttp } from '../adapters/http.js';
import { createKubePort, resolveKubeConfig } from '../adapters/kubernetes.js';
import { clusterForwarder } from '../adapters/kubernetes-port-forward.js';
import { throughCluster } from '../session/through-cluster.js';
import { registerGuideBackends, sandboxClusterRoutes } from './cluster-routes.js';
import { pgPostgres } from '../adapters/postgres.js';
import { rabbitMq } from '../adapters/rabbitmq.js';
import { ioRedis } from '../adapters/redis.js';
import { execaScripts } from '../adapters/script-runner.js';
import { createVaultPort, vaultConfigFromEnv } from '../adapters/vault.js';
import { Secret } from '../engine/secret.js';
import { systemClock, type World } from '../session/world.js';
import { guideSecrets, SANDBOX_HOSTS, type GuideSecrets } from './guide-secrets.js';
import { startKubeEmulator } from './kubernetes/index.js';
import { guardHttp, routePostgres, routeRabbit, routeRedis } from './routing-ports.js';
import { listeningAddress, type SandboxTargets } from './target-guard.js';
import { reloadOnRollout, secretsFromCluster } from './service-reloader.js';
import { startSessionService } from './session-service/server.js';
import type { ServiceSecrets } from './session-service/service-secrets.js';
import { standinDatabaseAdmin } from './standin-database-admin.js';
import { PostgresStandin } from './targets/postgres-standin.js';
import { RabbitStandin } from './targets/rabbitmq-standin.js';
import { RedisStandin } from './targets/redis-standin.js';
import { startVaultEmulator } from './vault/index.js';
import { seedVault } from './seed-vault.js';
import { untilSettled } from './settle.js';
import { seedDrift } from './drift.js';

/** Knobs for tests and trainees: how fast pods become ready, where Vault keeps its state. */
export interface SandboxOptions {
  readinessDelayMs?: number;
  vaultStateFile?: string;
  /** The seed secrets (Vault KV and the stand-ins' passwords), for tests that must know them; fresh ones by default. */
  secrets?: GuideSecrets;
  /** `--allow-real-targets`: real servers a trainee names are dialled (default: refused). */
  allowRealTargets?: boolean;
  /** Serve Vault over HTTPS with a CA of its own, so a rehearsal takes production's TLS path. */
  vaultTls?: boolean;
  /** Seed the drift `rotor check` finds (drift.ts): `rotor check --env sandbox` and `rotor sandbox`. */
  drift?: boolean;
}

/**
 * The embedded world of `--env sandbox`, all in this process on 127.0.0.1: a Vault emulator
 * seeded like the guide, a Kubernetes emulator whose ExternalSecrets read it, the demo
 * session-state-service, and stand-ins for PostgreSQL, Redis and RabbitMQ. A trainee rehearses on
 * a bare machine; nothing else is dialled unless the operator passed --allow-real-targets.
 */
export async function startSandboxWorld(
  options: SandboxOptions = {},
): Promise<World & { sandbox: SandboxHandles }> {
  const secrets = options.secrets ?? guideSecrets();
  const kv = secrets.kv;
  const postgres = new PostgresStandin({
    where: SANDBOX_HOSTS.postgres,
    superuser: 'postgres',
    superuserPassword: secrets.postgresSuperuserPassword,
    roles: {
      harmonyflow: kv['harmonyflow/postgresql'].password,
      harmonyflow_b: secrets.postgresAlternatePassword,
    },
  });
  const redis = new RedisStandin(
    SANDBOX_HOSTS.redisNodes.map((node, i) => ({
      node,
      role: i < 3 ? 'master' : 'replica',
      requirepass: kv['harmonyflow/redis'].password,
    })),
  );
  const rabbit = new RabbitStandin({
    apiWhere: SANDBOX_HOSTS.rabbitApi.replace('http://', ''),
    amqpWhere: SANDBOX_HOSTS.rabbitAmqp.replace('amqp://', ''),
    users: {
      admin: { password: secrets.rabbitAdminPassword, tags: ['administrator'] },
      harmonyflow: { password: kv['harmonyflow/rabbitmq'].password, tags: ['management'] },
    },
  });
  const vault = await startVaultEmulator({
    tls: options.vaultTls === true,
    stateFile: options.vaultStateFile,
    databaseAdmin: standinDatabaseAdmin(postgres),
    seed: (emulator) => seedVault(emulator, secrets),
  });
  const kube = await startKubeEmulator({
    readSecret: async (path) => vault.kvRead(path) as never,
    readinessDelayMs: options.readinessDelayMs ?? 400,
    syncRetryMs: 300,
  });
  await untilSettled(kube).catch(async (error: unknown) => {
    await Promise.allSettled([kube.close(), vault.close()]);
    throw error;
  });
  const initial: ServiceSecrets = {
    'jwt-secret': kv['harmonyflow/session-state-service']['jwt-secret'],
    'jwt-refresh-secret': kv['harmonyflow/session-state-service']['jwt-refresh-secret'],
    'api-key': kv['harmonyflow/session-state-service']['api-key'],
    'admin-token': kv['harmonyflow/admin']['api-token'],
  };
  const service = await startSessionService(async () => secretsFromCluster(kube, initial));
  const stopReloading = reloadOnRollout(kube, service, initial);
  const vaultCa = vault.caCertPem ? writeCaFile(vault.caCertPem) : undefined;
  const vaultPort = await createVaultPort(
    vaultConfigFromEnv({ VAULT_ADDR: vault.url, VAULT_TOKEN: vault.rootToken }, homedir(), {
      renewToken: false,
      caCertPem: vault.caCertPem,
    }),
  );
  const kubePort = createKubePort({ kubeconfig: kube.kubeconfigPath, context: kube.context });
  if (options.drift)
    await seedDrift(vault, kube, { vault: vaultPort, kube: kubePort }).catch(async (error: unknown) => {
      stopReloading();
      vaultPort.close();
      await Promise.allSettled([service.close(), kube.close(), vault.close()]);
      throw error;
    });
  const targets: SandboxTargets = {
    listening: [vault.url, kube.url, service.url].map(listeningAddress),
    allowReal: options.allowRealTargets === true,
  };
  registerGuideBackends(kube, service.url);
  const forwarder = clusterForwarder(
    resolveKubeConfig({ kubeconfig: kube.kubeconfigPath, context: kube.context }).kc,
  );
  const clusterRoutes = sandboxClusterRoutes(kube, forwarder, targets);
  const pgAdminUrl = `postgresql://postgres:${encodeURIComponent(secrets.postgresSuperuserPassword)}@${SANDBOX_HOSTS.postgres}/postgres`;
  const world: World & { sandbox: SandboxHandles } = {
    environment: 'sandbox',
    ports: throughCluster(
      {
        clock: systemClock,
        http: guardHttp(fetchHttp, targets),
        vault: vaultPort,
        kube: kubePort,
        postgres: routePostgres(postgres, pgPostgres, targets),
        redis: routeRedis(redis, ioRedis, targets),
        rabbitmq: routeRabbit(rabbit, rabbitMq, targets),
        scripts: execaScripts,
      },
      clusterRoutes,
    ),
    clusterRoutes,
    env: {
      ROTOR_SERVICE_URL: service.url,
      ROTOR_SANDBOX_PG_ADMIN_URL: pgAdminUrl,
      ROTOR_SANDBOX_PG_URL: `postgresql://${SANDBOX_HOSTS.postgres}/harmonyflow`,
      ROTOR_SANDBOX_REDIS_NODES: SANDBOX_HOSTS.redisNodes.join(','),
      ROTOR_SANDBOX_RABBITMQ_API: SANDBOX_HOSTS.rabbitApi,
      ROTOR_SANDBOX_RABBITMQ_AMQP: SANDBOX_HOSTS.rabbitAmqp,
      ROTOR_SANDBOX_RABBITMQ_ADMIN_PASSWORD: secrets.rabbitAdminPassword,
      ROTOR_SANDBOX_ADMIN_TOKEN: kv['harmonyflow/admin']['api-token'],
    },
    targets,
    // In-process emulators on loopback: the Vault one speaks plain http, Kubernetes its own CA.
    tls: { vault: vaultCa ? 'verified-ca' : 'plain-http', kubernetes: 'verified-ca' },
    notes: [
      `Vault (sandbox emulator) at ${vault.url}`,
      `Kubernetes (sandbox emulator) at ${kube.url}`,
      `session-state-service (sandbox) at ${service.url}`,
      'PostgreSQL, Redis and RabbitMQ on *.sandbox hosts are sandbox stand-ins',
      targets.allowReal
        ? '--allow-real-targets: real servers named in inputs are dialled'
        : 'any other address is refused (--allow-real-targets to include a real server)',
    ],
    sandbox: {
      vault,
      kube,
      service,
      postgres,
      redis,
      rabbit,
      vaultCaCertFile: vaultCa?.file,
      secrets: (path) => new Secret(JSON.stringify(vault.kvRead(path)?.data ?? {}), path),
    },
    close: async () => {
      stopReloading();
      vaultPort.close();
      world.ports.kube?.close?.();
      vaultCa?.remove();
      await forwarder.close();
      await Promise.allSettled([service.close(), kube.close(), vault.close()]);
    },
  };
  return world;
}

/** The emulators and stand-ins behind a sandbox world, for tests and `rotor sandbox`. */
export interface SandboxHandles {
  vault: Awaited<ReturnType<typeof startVaultEmulator>>;
  kube: Awaited<ReturnType<typeof startKubeEmulator>>;
  service: Awaited<ReturnType<typeof startSessionService>>;
  postgres: PostgresStandin;
  redis: RedisStandin;
  rabbit: RabbitStandin;
  /** With `vaultTls`: a PEM file of the CA Vault's certificate chains to, for VAULT_CACERT. */
  vaultCaCertFile?: string;
  /** A path's current data, wrapped, for assertions that must not print it. */
  secrets: (path: string) => Secret;
}

/** The sandbox CA in a file of its own (0600, in a 0700 folder), removed when the world closes. */
function writeCaFile(pem: string): { file: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'rotor-vault-ca-'));
  const file = join(dir, 'ca.pem');
  writeFileSync(file, pem, { mode: 0o600 });
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
