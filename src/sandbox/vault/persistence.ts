import { chmodSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type { AppRole } from './approle.js';
import type { DatabaseEngine } from './database-engine.js';
import type { KvStore } from './kv-store.js';
import type { Lease } from './leases.js';
import type { PkiState } from './pki.js';
import type { SealConfig } from './seal.js';
import type { TokenEntry } from './tokens.js';
import type { TransitKey } from './transit.js';

/** Everything the emulator keeps, as written to its state file. */
export interface SavedState {
  format: 'rotor-vault-emulator/1';
  seal: SealConfig;
  rootToken: string;
  tokens: TokenEntry[];
  policies: Array<{ name: string; text: string }>;
  kv: Record<string, ReturnType<KvStore['toJSON']>>;
  transit: Record<string, TransitKey>;
  database: ReturnType<DatabaseEngine['toJSON']>;
  leases: Lease[];
  pki: PkiState;
  approle: Record<string, AppRole>;
}

/** Reads a state file, or undefined when there is none yet. */
export function loadState(file: string): SavedState | undefined {
  if (!existsSync(file)) return undefined;
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as SavedState;
  if (parsed.format !== 'rotor-vault-emulator/1')
    throw new Error(`${file} is not a Vault emulator state file`);
  return parsed;
}

/**
 * Writes the state atomically (temp file, then rename) and readable by its owner only: it holds
 * every secret, token and unseal key of the sandbox.
 */
export function saveState(file: string, state: SavedState): void {
  const tmp = `${file}.${process.pid}.tmp`;
  rmSync(tmp, { force: true });
  writeFileSync(tmp, JSON.stringify(state), { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}
