import { operatorName } from './operator.js';
import { createActionRegistry, type ActionRegistry } from '../actions/index.js';
import { keysDir, sessionsDir } from '../journal/state-dir.js';
import type { LoadedRunbook } from '../runbook/load.js';
import { findRunbook, loadCatalog } from '../session/catalog.js';
import type { EnvironmentInfo, StartSession } from '../session/types.js';
import { environmentLayer } from '../inventory/environment-layer.js';
import type { SourcedInputs } from '../inventory/layers.js';
import type { LoadedInventory } from '../inventory/load.js';
import { Environments } from './environment.js';
import { sessionStarter, type StarterOptions } from './session-starter.js';

/**
 * What every operation works from (the CLI's commands, the TUI, the library API): environments,
 * actions, runbooks, state folders; built once per process and lazily where it costs.
 */
export class RotorContext extends Environments {
  readonly actions: ActionRegistry = createActionRegistry();
  #catalog?: Map<string, LoadedRunbook>;

  get catalog(): Map<string, LoadedRunbook> {
    return (this.#catalog ??= loadCatalog(this.actions));
  }

  get journalDir(): string {
    return sessionsDir(this.env);
  }

  get keyDir(): string {
    return keysDir(this.env);
  }

  /** The inventory, checked against the runbooks rotor knows (unknown runbooks and inputs refused). */
  protected override async openInventory(): Promise<LoadedInventory | undefined> {
    const { loadInventory } = await import('../inventory/load-inventory.js');
    return loadInventory({ flag: this.inventoryFlag, env: this.env, cwd: process.cwd() }, () => this.catalog);
  }

  /**
   * The values an environment gives a runbook's inputs, with their sources: the inventory's
   * runbook and shared sections, or the sandbox's own addresses.
   */
  environmentInputs(environment: EnvironmentInfo, loaded: LoadedRunbook): SourcedInputs {
    return environmentLayer(environment, loaded.runbook, this.inventory);
  }

  findRunbook(ref: string): LoadedRunbook {
    return findRunbook(ref, this.catalog, this.actions);
  }

  operator(): string {
    return operatorName();
  }

  /** Starts or resumes sessions of one command (src/services/session-starter.ts). */
  starter(command: string, options: StarterOptions = {}): StartSession {
    return sessionStarter(this, command, options);
  }
}
