import { kvRotateRandom } from '../vault/kv-rotate-random.js';
import { rotatePostgres } from './postgres.js';
import { rotateRabbitmq } from './rabbitmq.js';
import { rotateRedis } from './redis.js';
import { rotateSecret } from './secret.js';
import { forceSyncAll } from '../kubernetes/force-sync-all.js';
import type { ActionDefinition } from '../types.js';

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
