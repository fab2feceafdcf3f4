import type { KvLocation, VaultPort } from '../ports/vault-port.js';

/**
 * Where rotor keeps its shared state in Vault KV v2, so every operator and the CronJob see the
 * same policies and history. Default: mount `secret`, prefix `rotor`; ROTOR_STORE_MOUNT and
 * ROTOR_STORE_PREFIX move it (e.g. to a mount only rotor's AppRole may write).
 */
export interface StoreLocation {
  mount: string;
  prefix: string;
}

export const DEFAULT_STORE: StoreLocation = { mount: 'secret', prefix: 'rotor' };

/** The Vault calls the stores make: reads and check-and-set writes, nothing else. */
export type StoreVault = Pick<VaultPort, 'kvRead' | 'kvWrite'>;

/**
 * Policies and per-secret status are spread over this many KV entries by a hash of the secret
 * path, each a compressed map (shard-codec.ts): `rotor due` reads 2 × 4 entries however many
 * policies there are (each request costs more than its bytes), and writers of different secrets
 * rarely contend. Changing it would move every policy: it is fixed.
 */
export const SHARDS = 4;

/**
 * The largest KV entry rotor writes. Consul refuses values over 512 KiB and integrated storage
 * entries over 1 MiB; staying under 480 KiB fits both. Compressed, a shard holds several
 * thousand secrets' policies or statuses (some 30,000 secrets in all, with real-world data
 * compressing 5 to 8 times), and a history entry 500 rotations with room to spare.
 */
export const ENTRY_LIMIT_BYTES = 480 * 1024;

/** FNV-1a, 32 bit: stable across processes and versions, unlike any built-in hash. */
export function shardOf(secretPath: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < secretPath.length; i++) {
    hash ^= secretPath.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % SHARDS;
}

const hex = (n: number) => n.toString(16).padStart(2, '0');

export function policyShard(store: StoreLocation, shard: number): KvLocation {
  return { mount: store.mount, path: `${store.prefix}/policies/${hex(shard)}` };
}

export function statusShard(store: StoreLocation, shard: number): KvLocation {
  return { mount: store.mount, path: `${store.prefix}/status/${hex(shard)}` };
}

/** One secret's history has its own entry: appending to it never contends with other secrets. */
export function historyLocation(store: StoreLocation, secretPath: string): KvLocation {
  return { mount: store.mount, path: `${store.prefix}/history/${secretPath}` };
}

export function storeLocationFromEnv(env: Readonly<Record<string, string | undefined>>): StoreLocation {
  const clean = (s: string) => s.replace(/^\/+|\/+$/g, '');
  return {
    mount: clean(env.ROTOR_STORE_MOUNT || DEFAULT_STORE.mount),
    prefix: clean(env.ROTOR_STORE_PREFIX || DEFAULT_STORE.prefix),
  };
}

/** How big an entry's data is as Vault stores it (JSON), for the size limit. */
export function entryBytes(data: Record<string, unknown>): number {
  return Buffer.byteLength(JSON.stringify(data));
}
