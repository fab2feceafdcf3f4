import { kvRotateRandom } from './rotate-kv.js';
import { rotatePostgres } from './rotate-postgres.js';
import { rotateRabbitmq } from './rotate-rabbitmq.js';
import { rotateRedis } from './rotate-redis.js';
import { rotateSecret } from './rotate-secret.js';
import { forceSyncAll } from './rotate-sync-all.js';
import type { ActionDefinition } from './types.js';

/**
 * Composite rotations: each is one step (snapshot, change, prove; all or nothing) for parallel
 * groups; and the sync of many ExternalSecrets a fleet rotation or a Vault recovery ends with.
 */
export const rotateActions: readonly ActionDefinition[] = [
  kvRotateRandom,
  rotatePostgres,
  rotateRedis,
  rotateRabbitmq,
  rotateSecret,
  forceSyncAll,
];
