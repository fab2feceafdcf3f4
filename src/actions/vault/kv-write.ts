import { writeAction } from './kv-write-action.js';

export const kvWrite = writeAction('vault.kv-write');
