import { writeAction } from './kv-write-action.js';

/** The `vault.kv-patch` step kind. */
export const kvPatch = writeAction('vault.kv-patch');
