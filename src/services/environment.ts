import type { Profile, Settings } from '../adapters/settings.js';
import { processEnvironment } from '../environment.js';
import type { LoadedInventory } from '../inventory/load.js';
import { mergedProfiles } from '../inventory/profiles.js';
import { LOCAL, SANDBOX, findEnvironment, listEnvironments } from '../session/environments.js';
import type { World } from '../session/world.js';
import type { EnvironmentInfo } from '../session/types.js';

type Env = Readonly<Record<string, string | undefined>>;

/** An environment as every operation uses it: its facts and the profiles it may be one of. */
export interface ResolvedEnvironment {
  environment: EnvironmentInfo;
  /** Empty for the built-in environments, which never read the operator's settings. */
  profiles: readonly Profile[];
}

/** sandbox and local: known without settings. */
export function isBuiltInEnvironment(name: string): boolean {
  return name === SANDBOX.name || name === LOCAL.name;
}

/**
 * The environments an operator can name: the built-in ones and the profiles in their settings.
 * The one place `--env NAME` (or none: the configured default, else local) becomes an
 * environment. Settings (`conf`, among the slowest modules to load) are read only when a profile
 * may be meant, so the sandbox and the shell's own environment start without them.
 */
export class Environments {
  readonly env: Env;
  /** Where operations tell what they passed over (a weakened TLS check, history not recorded). */
  readonly warn: (message: string) => void;
  /** `--inventory <file>` from the command line, when given. */
  inventoryFlag?: string;
  #settings?: Settings;
  #inventory?: LoadedInventory;

  constructor(
    env: Env = processEnvironment(),
    options: { warn?: (message: string) => void; inventoryFlag?: string } = {},
  ) {
    this.env = env;
    this.warn = options.warn ?? ((message) => process.stderr.write(`rotor: ${message}\n`));
    this.inventoryFlag = options.inventoryFlag;
  }

  /** Loads the operator's settings (`conf`) and the inventory, if one is found, once. */
  async loadSettings(): Promise<Settings> {
    if (!this.#settings) {
      const { Settings } = await import('../adapters/settings.js');
      this.#settings = new Settings(this.env);
      this.#inventory = await this.openInventory();
    }
    return this.#settings;
  }

  /**
   * The inventory (flag, variable, working folder, user config; trusted when it must be). Here it
   * only names environments, so it is not checked against runbooks; RotorContext checks it.
   */
  protected async openInventory(): Promise<LoadedInventory | undefined> {
    const { findInventory, openInventory } = await import('../inventory/find.js');
    const found = findInventory({ flag: this.inventoryFlag, env: this.env, cwd: process.cwd() });
    return found ? openInventory(found, this.env) : undefined;
  }

  /** The inventory in use, once loadSettings() ran; none when there is none. */
  get inventory(): LoadedInventory | undefined {
    return this.#inventory;
  }

  /** Every configured environment's connection settings: the inventory's, then saved profiles. */
  profiles(): Profile[] {
    return mergedProfiles(this.settings.profiles(), this.#inventory);
  }

  /** Loads settings unless the environment is built in. */
  async prepareEnvironment(name?: string): Promise<void> {
    if (name === undefined || !isBuiltInEnvironment(name)) await this.loadSettings();
  }

  get settings(): Settings {
    if (!this.#settings) throw new Error('settings used before loadSettings()');
    return this.#settings;
  }

  environments(): EnvironmentInfo[] {
    return listEnvironments(this.profiles());
  }

  environment(name: string): EnvironmentInfo {
    // Built-in environments need no settings: skipping `conf` keeps the sandbox's start fast.
    const builtIn = [SANDBOX, LOCAL].find((e) => e.name === name);
    return builtIn ?? findEnvironment(name, this.profiles(), this.#inventory?.file);
  }

  /** The environment used when none is named: the configured default, else the shell's own. */
  defaultEnvironment(): string {
    return this.#settings?.defaultEnvironment ?? LOCAL.name;
  }

  /** The profiles an environment's connection may use; none for a built-in one. */
  profilesFor(environment: EnvironmentInfo): readonly Profile[] {
    return isBuiltInEnvironment(environment.name) ? [] : this.profiles();
  }

  /** `--env NAME`, or none given: the environment and the profiles its connection may use. */
  async resolve(name: string | undefined): Promise<ResolvedEnvironment> {
    await this.prepareEnvironment(name);
    const environment = this.environment(name ?? this.defaultEnvironment());
    return { environment, profiles: this.profilesFor(environment) };
  }
}

/**
 * Connects a resolved environment's systems (the sandbox starts its world). Loaded on first use:
 * the adapters pull in client libraries a first frame does not need.
 */
export async function connectWorld(
  resolved: ResolvedEnvironment,
  env: Env,
  options: { faults?: readonly string[]; allowRealTargets?: boolean } = {},
): Promise<World> {
  const { connectEnvironment } = await import('../session/connect.js');
  return connectEnvironment(resolved.environment, resolved.profiles, env, options);
}
