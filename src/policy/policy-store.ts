import { UsageError } from '../errors.js';
import { casUpdate, readVersioned, type CasOptions } from './cas-update.js';
import { decodePolicy, encodePolicy, isBroken } from './policy-codec.js';
import { decodeShard, encodeShard } from './shard-codec.js';
import type { Policy } from './policy.js';
import {
  DEFAULT_STORE,
  SHARDS,
  policyShard,
  shardOf,
  type StoreLocation,
  type StoreVault,
} from './store-layout.js';

/** A stored policy that could not be read back, with the reason. */
export interface BrokenPolicy {
  secret_path: string;
  reason: string;
}

/**
 * Rotation policies in Vault KV: SHARDS shard entries, each a compressed map of secret path → policy
 * (shard-codec.ts), written with check-and-set so two operators editing at once both keep their
 * change.
 */
export class PolicyStore {
  constructor(
    private readonly vault: StoreVault,
    readonly location: StoreLocation = DEFAULT_STORE,
    private readonly cas: CasOptions = {},
  ) {}

  /** Every policy, sorted by path: one read per shard, however many policies there are. */
  async list(): Promise<{ policies: Policy[]; broken: BrokenPolicy[] }> {
    const shards = await Promise.all(Array.from({ length: SHARDS }, (_, n) => this.read(n)));
    const policies: Policy[] = [];
    const broken: BrokenPolicy[] = [];
    for (const shard of shards) {
      for (const [path, text] of Object.entries(shard)) {
        const decoded = decodePolicy(path, text);
        if (isBroken(decoded)) broken.push({ secret_path: path, reason: decoded.broken });
        else policies.push(decoded);
      }
    }
    policies.sort((a, b) => (a.secret_path < b.secret_path ? -1 : a.secret_path > b.secret_path ? 1 : 0));
    return { policies, broken };
  }

  /** One shard's map of secret path → stored policy. */
  private async read(shard: number): Promise<Record<string, unknown>> {
    const at = policyShard(this.location, shard);
    return decodeShard((await readVersioned(this.vault, at)).data, `${at.mount}/${at.path}`);
  }

  /**
   * Changes one shard with check-and-set; `change` gets the current map and returns the new one
   * (or undefined to write nothing) and a result.
   */
  private update<T>(
    secretPath: string,
    change: (map: Record<string, unknown>) => { map?: Record<string, unknown>; result: T },
  ): Promise<T> {
    const at = policyShard(this.location, shardOf(secretPath));
    return casUpdate(
      this.vault,
      at,
      ({ data }) => {
        const { map, result } = change(decodeShard(data, `${at.mount}/${at.path}`));
        return map === undefined ? { result } : { data: encodeShard(map), result };
      },
      this.cas,
    );
  }

  async get(secretPath: string): Promise<Policy | undefined> {
    const shard = await this.read(shardOf(secretPath));
    if (!(secretPath in shard)) return undefined;
    const decoded = decodePolicy(secretPath, shard[secretPath]);
    if (isBroken(decoded)) throw new UsageError(decoded.broken);
    return decoded;
  }

  /** The policy, or a usage error that says how to see which exist. */
  async require(secretPath: string): Promise<Policy> {
    const policy = await this.get(secretPath);
    if (!policy)
      throw new UsageError(
        `no rotation policy for ${secretPath}`,
        '`rotor policy list` shows the secrets that have one; `rotor policy add` creates one',
      );
    return policy;
  }

  /**
   * Creates or replaces a secret's policy (checked already, by parsePolicy). A replaced policy
   * keeps its creation time, which due computation counts from until the first rotation.
   */
  async put(policy: Policy, now: Date = new Date()): Promise<{ created: boolean; policy: Policy }> {
    return this.update(policy.secret_path, (map) => {
      const previous =
        policy.secret_path in map ? decodePolicy(policy.secret_path, map[policy.secret_path]) : undefined;
      const createdAt =
        policy.created_at ??
        (previous && !isBroken(previous) ? previous.created_at : undefined) ??
        now.toISOString();
      const stored: Policy = { ...policy, created_at: createdAt };
      return {
        map: { ...map, [policy.secret_path]: encodePolicy(stored) },
        result: { created: previous === undefined, policy: stored },
      };
    });
  }

  /** Removes a secret's policy; its history stays. Returns whether there was one. */
  async remove(secretPath: string): Promise<boolean> {
    return this.update(secretPath, (map) => {
      if (!(secretPath in map)) return { result: false };
      const rest = { ...map };
      delete rest[secretPath];
      return { map: rest, result: true };
    });
  }

  /** `policy enable|disable`: flips is_active, leaving every other field as it is. */
  async setActive(secretPath: string, active: boolean): Promise<Policy> {
    const changed = await this.update(
      secretPath,
      (map): { map?: Record<string, unknown>; result: Policy | undefined } => {
        if (!(secretPath in map)) return { result: undefined };
        const decoded = decodePolicy(secretPath, map[secretPath]);
        if (isBroken(decoded)) throw new UsageError(decoded.broken);
        const next: Policy = { ...decoded, is_active: active };
        return { map: { ...map, [secretPath]: encodePolicy(next) }, result: next };
      },
    );
    if (!changed) return this.require(secretPath);
    return changed;
  }
}
