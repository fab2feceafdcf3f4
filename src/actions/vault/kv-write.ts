import { writeAction } from './kv-write-action.js';

/** The `vault.kv-write` step kind. */
export const kvWrite = writeAction('vault.kv-write');
