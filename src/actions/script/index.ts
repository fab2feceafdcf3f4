import type { ActionDefinition } from '../types.js';
import { scriptRun } from './run.js';

/**
 * The `script.*` step kinds: operator scripts. A new one gets its own file, named after its id,
 * and a line here.
 */
export const scriptActions: readonly ActionDefinition[] = [scriptRun];
