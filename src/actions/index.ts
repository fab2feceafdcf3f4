import type { ActionDefinition } from './types.js';
import { generateActions } from './generate.js';
import { httpActions } from './http.js';
import { kubernetesActions } from './kubernetes.js';
import { postgresActions } from './postgres.js';
import { rabbitmqActions } from './rabbitmq.js';
import { redisActions } from './redis.js';
import { scriptActions } from './script.js';
import { vaultActions } from './vault.js';
import { waitActions } from './wait.js';
import { rotateActions } from './rotate.js';
import { vaultKvRotateActions } from './vault-kv-rotate.js';
import { vaultPkiActions } from './vault-pki.js';
import { vaultTransitActions } from './vault-transit.js';
import { certificateActions } from './certificate.js';
import { kubernetesHealthActions } from './kubernetes-health.js';
// Pure computation with no connection to configure, so it is wired here once, not per environment.
import { forgeX509 } from '../adapters/x509.js';

/** Every built-in action. Each system's file exports its list; add a line here for a new one. */
export const builtinActions: readonly ActionDefinition[] = [
  ...generateActions,
  ...httpActions,
  ...kubernetesActions,
  ...postgresActions,
  ...redisActions,
  ...rabbitmqActions,
  ...scriptActions,
  ...vaultActions,
  ...waitActions,
  ...rotateActions,
  ...vaultKvRotateActions,
  ...vaultPkiActions,
  ...vaultTransitActions,
  ...certificateActions(forgeX509),
  ...kubernetesHealthActions,
];

/** Looks actions up by the id runbooks write in `do:`. */
export type ActionRegistry = ReadonlyMap<string, ActionDefinition>;

export function createActionRegistry(actions: readonly ActionDefinition[] = builtinActions): ActionRegistry {
  const registry = new Map<string, ActionDefinition>();
  for (const action of actions) {
    if (registry.has(action.id)) throw new Error(`action ${action.id} is registered twice`);
    registry.set(action.id, action);
  }
  return registry;
}
