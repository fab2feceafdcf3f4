import type { ActionDefinition } from '../types.js';
import { waitProgress } from './progress.js';

/**
 * The `wait.*` step kinds: waiting with progress. A new one gets its own file, named after its id,
 * and a line here.
 */
export const waitActions: readonly ActionDefinition[] = [waitProgress];
