import type { ActionDefinition } from '../types.js';
import { httpCheck } from './check.js';
import { httpLogin } from './login.js';
import { httpRequest } from './request.js';

/**
 * The `http.*` step kinds: HTTP checks of the services that use a credential. A new one gets its
 * own file, named after its id, and a line here.
 */
export const httpActions: readonly ActionDefinition[] = [httpCheck, httpLogin, httpRequest];
