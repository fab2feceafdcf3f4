import type { ActionDefinition } from './types.js';
import { generateActions } from './generate/password.js';
import { httpActions } from './http/http.js';
import { kubernetesActions } from './kubernetes/index.js';
import { postgresActions } from './postgres/postgres.js';
import { rabbitmqActions } from './rabbitmq/rabbitmq.js';
import { redisActions } from './redis/redis.js';
import { scriptActions } from './script/run.js';
import { vaultActions } from './vault/index.js';
import { waitActions } from './wait/progress.js';
import { rotateActions } from './rotate/index.js';
import { vaultKvRotateActions } from './vault/kv-rotate.js';
import { vaultPkiActions } from './vault/pki.js';
import { vaultTransitActions } from './vault/transit.js';
import { certificateActions } from './certificate/certificate.js';
import { kubernetesHealthActions } from './kubernetes/health.js';
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
