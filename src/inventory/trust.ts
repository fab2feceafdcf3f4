import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { stateDir } from '../journal/state-dir.js';

type Env = Readonly<Record<string, string | undefined>>;

/** Path → sha256 of the content the operator trusted, as direnv's `allow` keeps them. */
type TrustStore = Record<string, string>;

function storeFile(env: Env): string {
  return join(stateDir(env), 'trusted-inventories.json');
}

function readStore(env: Env): TrustStore {
  const file = storeFile(env);
  if (!existsSync(file)) return {};
  try {
    const data: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return data && typeof data === 'object' ? (data as TrustStore) : {};
  } catch {
    // A damaged store trusts nothing: the operator trusts again.
    return {};
  }
}

/** Whether this path with this content was trusted: `changed` when the path was, with other content. */
export function trustOf(env: Env, file: string, hash: string): 'trusted' | 'changed' | 'unknown' {
  const known = readStore(env)[file];
  if (known === undefined) return 'unknown';
  return known === hash ? 'trusted' : 'changed';
}

/** Records that the operator trusts this path with this content (mode 0600, folder 0700). */
export function trustInventory(env: Env, file: string, hash: string): void {
  const store = { ...readStore(env), [file]: hash };
  const path = storeFile(env);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, `${JSON.stringify(store, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
}
