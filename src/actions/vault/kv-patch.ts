import { writeAction } from './kv-write-action.js';

export const kvPatch = writeAction('vault.kv-patch');
