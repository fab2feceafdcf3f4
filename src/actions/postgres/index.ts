import type { ActionDefinition } from '../types.js';
import { postgresCheckLogin } from './check-login.js';
import { postgresSetPassword } from './set-password.js';
import { postgresSwitchUser } from './switch-user.js';

/**
 * The `postgres.*` step kinds: PostgreSQL role passwords. A new one gets its own file, named after
 * its id, and a line here.
 */
export const postgresActions: readonly ActionDefinition[] = [
  postgresSetPassword,
  postgresCheckLogin,
  postgresSwitchUser,
];
