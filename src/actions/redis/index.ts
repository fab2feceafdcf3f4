import type { ActionDefinition } from '../types.js';
import { redisAclDropOld } from './acl-drop-old.js';
import { redisCheckAuth } from './check-auth.js';
import { redisSetPassword } from './set-password.js';

/**
 * The `redis.*` step kinds: Redis passwords (requirepass or ACL users) over every node. A new one
 * gets its own file, named after its id, and a line here.
 */
export const redisActions: readonly ActionDefinition[] = [redisSetPassword, redisCheckAuth, redisAclDropOld];
