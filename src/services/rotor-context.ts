import { operatorName } from './operator.js';
import { createActionRegistry, type ActionRegistry } from '../actions/index.js';
import { keysDir, sessionsDir } from '../journal/state-dir.js';
import type { LoadedRunbook } from '../runbook/load.js';
import { findRunbook, loadCatalog } from '../session/catalog.js';
import type { StartSession } from '../session/types.js';
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
