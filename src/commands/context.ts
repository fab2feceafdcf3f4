import { operatorName } from './operator.js';
import { createActionRegistry, type ActionRegistry } from '../actions/index.js';
import type { Profile, Settings } from '../adapters/settings.js';
import type { LoadedInventory } from '../inventory/load.js';
import { environmentLayer } from '../inventory/environment-layer.js';
import type { SourcedInputs } from '../inventory/layers.js';
import { keysDir, sessionsDir } from '../journal/state-dir.js';
import type { LoadedRunbook } from '../runbook/load.js';
import { findRunbook, loadCatalog } from '../session/catalog.js';
import { LOCAL, SANDBOX, findEnvironment, listEnvironments } from '../session/environments.js';
import { mergedProfiles } from '../inventory/profiles.js';
import { valuesOf } from '../inventory/layers.js';

const BUILT_IN = [SANDBOX, LOCAL];

export function isBuiltInEnvironment(name: string): boolean {
  return BUILT_IN.some((e) => e.name === name);
}
import { rotorVersion } from './version.js';
import { createSessionStarter } from '../session/start-session.js';
import type { EnvironmentInfo, StartSession } from '../session/types.js';

/** What every command works from, built once per process and lazily where it costs. */
export class RotorContext {
  readonly actions: ActionRegistry = createActionRegistry();
  readonly env: Readonly<Record<string, string | undefined>>;
  /** `--inventory <file>` from the command line, when given. */
  inventoryFlag?: string;
  #settings?: Settings;
  #inventory?: LoadedInventory;
  #catalog?: Map<string, LoadedRunbook>;

  constructor(env: Readonly<Record<string, string | undefined>> = process.env) {
    this.env = env;
  }

  /**
   * Loads the operator's settings (`conf`). Kept out of start-up: the sandbox and the built-in
   * environments never need them, and `conf` is among the slowest modules to load.
   */
  async loadSettings(): Promise<Settings> {
    if (!this.#settings) {
      const { Settings } = await import('../adapters/settings.js');
      this.#settings = new Settings(this.env);
      const { loadInventory } = await import('../inventory/load-inventory.js');
      this.#inventory = loadInventory(
        { flag: this.inventoryFlag, env: this.env, cwd: process.cwd() },
        () => this.catalog,
      );
    }
    return this.#settings;
  }

  /** The inventory in use, once loadSettings() ran; none when there is none. */
  get inventory(): LoadedInventory | undefined {
    return this.#inventory;
  }

  /** Every configured environment's connection settings: the inventory's, then saved profiles. */
  profiles(): Profile[] {
    return mergedProfiles(this.settings.profiles(), this.#inventory);
  }

  /**
   * The values an environment gives a runbook's inputs, with their sources: the inventory's
   * runbook and shared sections, or the sandbox's own addresses.
   */
  environmentInputs(environment: EnvironmentInfo, loaded: LoadedRunbook): SourcedInputs {
    return environmentLayer(environment, loaded.runbook, this.#inventory);
  }

  /** Loads settings unless the environment is built in. */
  async prepareEnvironment(name?: string): Promise<void> {
    if (name === undefined || !isBuiltInEnvironment(name)) await this.loadSettings();
  }

  get settings(): Settings {
    if (!this.#settings) throw new Error('settings used before loadSettings()');
    return this.#settings;
  }

  get catalog(): Map<string, LoadedRunbook> {
    return (this.#catalog ??= loadCatalog(this.actions));
  }

  get journalDir(): string {
    return sessionsDir(this.env);
  }

  get keyDir(): string {
    return keysDir(this.env);
  }

  findRunbook(ref: string): LoadedRunbook {
    return findRunbook(ref, this.catalog, this.actions);
  }

  environments(): EnvironmentInfo[] {
    return listEnvironments(this.profiles());
  }

  environment(name: string): EnvironmentInfo {
    // Built-in environments need no settings: skipping `conf` keeps the sandbox's start fast.
    const builtIn = BUILT_IN.find((e) => e.name === name);
    return builtIn ?? findEnvironment(name, this.profiles(), this.#inventory?.file);
  }

  /** The environment used when none is named: the configured default, else the shell's own. */
  defaultEnvironment(): string {
    return this.#settings?.defaultEnvironment ?? 'local';
  }

  operator(): string {
    return operatorName();
  }

  starter(
    command: string,
    options: { rehearse?: boolean; faults?: readonly string[]; allowRealTargets?: boolean } = {},
  ): StartSession {
    return createSessionStarter({
      actions: this.actions,
      findRunbook: (ref) => this.findRunbook(ref),
      environment: (name) => this.environment(name),
      connect: async (environment) => {
        // Loaded on first use: the adapters pull in client libraries a first frame does not need.
        const { connectEnvironment } = await import('../session/connect.js');
        return connectEnvironment(
          environment,
          isBuiltInEnvironment(environment.name) ? [] : this.profiles(),
          this.env,
          { faults: options.faults, allowRealTargets: options.allowRealTargets },
        );
      },
      environmentInputs: (environment, loaded) => valuesOf(this.environmentInputs(environment, loaded)),
      journalDir: this.journalDir,
      keyDir: this.keyDir,
      operator: this.operator(),
      command,
      rotorVersion: rotorVersion(),
      env: this.env,
      rehearse: options.rehearse,
    });
  }
}

export { rotorVersion };
