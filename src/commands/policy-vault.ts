import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Profile } from '../adapters/settings.js';
import { stateDir } from '../journal/state-dir.js';
import { HistoryStore } from '../policy/history-store.js';
import { PolicyStore } from '../policy/policy-store.js';
import type { RotationStores } from '../policy/rotation-queries.js';
import { storeLocationFromEnv, type StoreVault } from '../policy/store-layout.js';
import { LOCAL, SANDBOX, findEnvironment } from '../session/environments.js';
import type { EnvironmentInfo } from '../session/types.js';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * What the policy commands need from the process: its variables, and environments by name.
 * RotorContext provides it; `rotor due` uses a lighter one that reads the operator's settings
 * (conf) only when a profile or the default environment is asked for.
 */
export interface StoreHost {
  env: Env;
  resolve(name: string | undefined): Promise<{ environment: EnvironmentInfo; profiles: readonly Profile[] }>;
}

/** A host over a RotorContext-like object, loading its settings when the environment needs them. */
export function hostOf(ctx: {
  env: Env;
  prepareEnvironment(name?: string): Promise<void>;
  defaultEnvironment(): string;
  environment(name: string): EnvironmentInfo;
  profiles(): Profile[];
}): StoreHost {
  return {
    env: ctx.env,
    async resolve(name) {
      await ctx.prepareEnvironment(name);
      const environment = ctx.environment(name ?? ctx.defaultEnvironment());
      const builtIn = environment.name === SANDBOX.name || environment.name === LOCAL.name;
      return { environment, profiles: builtIn ? [] : ctx.profiles() };
    },
  };
}

/**
 * A host that loads the settings and the inventory only when it must: sandbox and local need
 * none. The inventory gives environments here, not inputs, so it is not checked against runbooks.
 */
export function lightHost(env: Env, inventoryFlag?: string): StoreHost {
  return {
    env,
    async resolve(name) {
      if (name === SANDBOX.name) return { environment: SANDBOX, profiles: [] };
      if (name === LOCAL.name) return { environment: LOCAL, profiles: [] };
      const { Settings } = await import('../adapters/settings.js');
      const settings = new Settings(env);
      const { findInventory, openInventory } = await import('../inventory/find.js');
      const { mergedProfiles } = await import('../inventory/profiles.js');
      const found = findInventory({ flag: inventoryFlag, env, cwd: process.cwd() });
      const inventory = found ? openInventory(found, env) : undefined;
      const profiles = mergedProfiles(settings.profiles(), inventory);
      return {
        environment: findEnvironment(
          name ?? settings.defaultEnvironment ?? LOCAL.name,
          profiles,
          inventory?.file,
        ),
        profiles,
      };
    },
  };
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
    : await environmentVault(environment, profiles, host.env);
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

async function environmentVault(environment: EnvironmentInfo, profiles: readonly Profile[], env: Env) {
  const profile = profiles.find((p) => p.name === environment.name);
  const { connectionSettings } = await import('../session/profile-connection.js');
  // The same settings a session of this environment connects with, so policies sit beside its locks.
  const settings = connectionSettings(environment, profile, env, homedir(), {
    requireVault: true,
    renewToken: false,
  });
  for (const warning of settings.warnings) process.stderr.write(`rotor: warning: ${warning}\n`);
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
