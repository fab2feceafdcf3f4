import type { ActionDefinition } from '../types.js';
import { generatePassword } from './password.js';

/**
 * The `generate.*` step kinds: the value generators. A new one gets its own file, named after its
 * id, and a line here.
 */
export const generateActions: readonly ActionDefinition[] = [generatePassword];
