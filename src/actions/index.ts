import type { ActionDefinition } from './types.js';
import { certificateActions } from './certificate/index.js';
import { generateActions } from './generate/index.js';
import { httpActions } from './http/index.js';
import { kubernetesActions } from './kubernetes/index.js';
import { postgresActions } from './postgres/index.js';
import { rabbitmqActions } from './rabbitmq/index.js';
import { redisActions } from './redis/index.js';
import { rotateActions } from './rotate/index.js';
import { scriptActions } from './script/index.js';
import { vaultActions } from './vault/index.js';
import { waitActions } from './wait/index.js';
// Pure computation with no connection to configure, so it is wired here once, not per environment.
import { forgeX509 } from '../adapters/x509.js';

/** Every built-in action: one list per system folder; a new system adds its folder's list here. */
export const builtinActions: readonly ActionDefinition[] = [
  ...certificateActions(forgeX509),
  ...generateActions,
  ...httpActions,
  ...kubernetesActions,
  ...postgresActions,
  ...rabbitmqActions,
  ...redisActions,
  ...rotateActions,
  ...scriptActions,
  ...vaultActions,
  ...waitActions,
];

/** Looks actions up by the id runbooks write in `do:`. */
export type ActionRegistry = ReadonlyMap<string, ActionDefinition>;

/** The registry of `actions` (every built-in one unless given); an id registered twice is a bug. */
export function createActionRegistry(actions: readonly ActionDefinition[] = builtinActions): ActionRegistry {
  const registry = new Map<string, ActionDefinition>();
  for (const action of actions) {
    if (registry.has(action.id)) throw new Error(`action ${action.id} is registered twice`);
    registry.set(action.id, action);
  }
  return registry;
}
