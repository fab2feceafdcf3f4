import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Profile } from '../adapters/settings.js';
import { stateDir } from '../journal/state-dir.js';
import { HistoryStore } from '../policy/history-store.js';
import { PolicyStore } from '../policy/policy-store.js';
import type { RotationStores } from '../policy/rotation-queries.js';
import { storeLocationFromEnv, type StoreVault } from '../policy/store-layout.js';
import type { EnvironmentInfo } from '../session/types.js';
import { Environments, type ResolvedEnvironment } from './environment.js';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * What the stores are opened from: the process's variables, and environments by name. A
 * RotorContext is one; `rotor due` and the library use a lighter one (no actions, no runbooks).
 */
export interface StoreHost {
  env: Env;
  resolve(name: string | undefined): Promise<ResolvedEnvironment>;
  /** Where a warning about the connection goes; default: stderr, as the CLI prints it. */
  warn?(message: string): void;
}

/**
 * A host that loads the settings and the inventory only when it must: sandbox and local need
 * none. The inventory gives environments here, not inputs, so it is not checked against runbooks.
 */
export function lightHost(env: Env, inventoryFlag?: string): StoreHost {
  return new Environments(env, { inventoryFlag });
}

/** An environment's policy and history stores, open until closed. */
export interface StoreConnection extends RotationStores {
  environment: EnvironmentInfo;
  vault: StoreVault;
  close(): Promise<void>;
}

/**
 * Opens the stores of an environment. Its Vault is configured the Vault CLI's way, with the
 * profile's address and namespace (as `rotor run` connects it); reads take a fast path
 * (src/adapters/vault-store-reads.ts). The sandbox keeps its policies
 * and history in a Vault emulator of their own, saved to ROTOR_HOME/sandbox-vault.json, so they
 * outlive the process; the sandbox world's secrets still start fresh on every run.
 */
export async function connectStores(host: StoreHost, name: string | undefined): Promise<StoreConnection> {
  const { environment, profiles } = await host.resolve(name);
  const location = storeLocationFromEnv(host.env);
  const opened = environment.sandbox
    ? await sandboxVault(host.env)
    : await environmentVault(environment, profiles, host);
  return {
    environment,
    vault: opened.vault,
    policies: new PolicyStore(opened.vault, location),
    history: new HistoryStore(opened.vault, location),
    secrets: opened.vault,
    close: opened.close,
  };
}

/** Opens the stores, runs `work`, and closes them whatever happens. */
export async function withStores<T>(
  host: StoreHost,
  name: string | undefined,
  work: (stores: StoreConnection) => Promise<T>,
): Promise<T> {
  const stores = await connectStores(host, name);
  try {
    return await work(stores);
  } finally {
    await stores.close();
  }
}

async function environmentVault(environment: EnvironmentInfo, profiles: readonly Profile[], host: StoreHost) {
  const env = host.env;
  const profile = profiles.find((p) => p.name === environment.name);
  const { connectionSettings } = await import('../session/profile-connection.js');
  // The same settings a session of this environment connects with, so policies sit beside its locks.
  const settings = connectionSettings(environment, profile, env, homedir(), {
    requireVault: true,
    renewToken: false,
  });
  const warn = host.warn ?? ((m: string) => process.stderr.write(`rotor: ${m}\n`));
  for (const warning of settings.warnings) warn(`warning: ${warning}`);
  const config = settings.vault!;
  const { storeVault } = await import('../adapters/vault-store-reads.js');
  const vault = storeVault(config, async () =>
    (await import('../adapters/vault.js')).createVaultPort(config),
  );
  return { vault, close: () => vault.close() };
}

/** The file the sandbox's policies and history are kept in. */
export function sandboxStoreFile(env: Env): string {
  return join(stateDir(env), 'sandbox-vault.json');
}

async function sandboxVault(env: Env) {
  const file = sandboxStoreFile(env);
  mkdirSync(stateDir(env), { recursive: true, mode: 0o700 });
  const [{ startVaultEmulator }, { createVaultPort, vaultConfigFromEnv }, { seedStoreSecrets }] =
    await Promise.all([
      import('../sandbox/vault/index.js'),
      import('../adapters/vault.js'),
      import('../sandbox/secret-ages.js'),
    ]);
  const emulator = await startVaultEmulator({ stateFile: file });
  seedStoreSecrets(emulator, Date.now());
  const vault = await createVaultPort(
    vaultConfigFromEnv({ VAULT_ADDR: emulator.url, VAULT_TOKEN: emulator.rootToken }, homedir(), {
      renewToken: false,
    }),
  );
  return {
    vault,
    close: async () => {
      vault.close();
      await emulator.close();
    },
  };
}
