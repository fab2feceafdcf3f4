import type { EmulatorState } from './emulator.js';
import type { KvStore } from './kv-store.js';

/** A secret's current data and version, as an in-process reader (External Secrets) sees it. */
export interface KvEntry {
  data: Record<string, unknown>;
  version: number;
}

/** In-process KV access for the sandbox's other emulators and for tests. */
export interface KvHelpers {
  /**
   * Writes a new version (`"harmonyflow/redis"`, or `"secret/harmonyflow/redis"`); returns its number.
   * `createdTime` (epoch ms) seeds a version written in the past, as Vault's metadata then reports it;
   * there is no HTTP way to do this, as there is none in Vault.
   */
  kvWrite(path: string, data: Record<string, unknown>, options?: { createdTime?: number }): number;
  /**
   * Reads the latest (or a given) version; null when the path was never written or the version is
   * deleted or destroyed, which is what External Secrets sees as "secret not found".
   * Call as `kvRead(path)`, `kvRead(path, { version })` or `kvRead(mount, path)`.
   */
  kvRead(mountOrPath: string, pathOrOptions?: string | { version?: number }): KvEntry | null;
}

function resolve(state: EmulatorState, first: string, second?: string): { store: KvStore; path: string } {
  if (second !== undefined) {
    const mount = first.endsWith('/') ? first : `${first}/`;
    const store = state.kv.get(mount);
    if (!store) throw new Error(`no KV mount at ${mount}`);
    return { store, path: second };
  }
  const slash = first.indexOf('/');
  const mount = slash > 0 ? first.slice(0, slash + 1) : '';
  const store = state.kv.get(mount);
  return store ? { store, path: first.slice(slash + 1) } : { store: state.kv.get('secret/')!, path: first };
}

export function kvHelpers(state: EmulatorState): KvHelpers {
  return {
    kvWrite(path, data, options = {}) {
      const { store, path: p } = resolve(state, path);
      const { version } = store.write(p, data, undefined, options.createdTime);
      state.changed();
      return version;
    },
    kvRead(first, second) {
      const { store, path } =
        typeof second === 'string' ? resolve(state, first, second) : resolve(state, first);
      const key = store.get(path);
      if (!key) return null;
      const n = (typeof second === 'object' ? second.version : undefined) ?? key.currentVersion;
      const v = key.versions[n];
      if (!v || v.destroyed || store.isDeleted(v) || !v.data) return null;
      return { data: structuredClone(v.data), version: n };
    },
  };
}
