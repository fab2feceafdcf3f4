import type { ActionDefinition } from '../types.js';
import { rotatePostgres } from './postgres.js';
import { rotateRabbitmq } from './rabbitmq.js';
import { rotateRedis } from './redis.js';
import { rotateSecret } from './secret.js';

/**
 * The `rotate.*` step kinds: composite rotations: each is one step (snapshot, change, prove; all
 * or nothing) for parallel groups, built from other actions through ../compose.ts. A new one gets
 * its own file, named after its id, and a line here.
 */
export const rotateActions: readonly ActionDefinition[] = [
  rotatePostgres,
  rotateRedis,
  rotateRabbitmq,
  rotateSecret,
];
