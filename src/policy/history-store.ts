import pMap from 'p-map';
import { casUpdate, readVersioned, type CasOptions } from './cas-update.js';
import type { HistoryEntry, RotationStats } from './history.js';
import {
  applyEntry,
  decodeStatus,
  lastView,
  statsOf,
  type LastRotation,
  type SecretStatus,
} from './secret-status.js';
import { decodeShard, encodeShard } from './shard-codec.js';
import {
  DEFAULT_STORE,
  ENTRY_LIMIT_BYTES,
  SHARDS,
  historyLocation,
  shardOf,
  statusShard,
  type StoreLocation,
  type StoreVault,
} from './store-layout.js';

/** The newest rotations kept per secret; older ones drop off (the counts in its status stay). */
export const HISTORY_LIMIT = 500;

/** An error text kept in history is cut here: the journal holds the rest. */
const ERROR_LIMIT = 1000;

function decodeEntries(text: unknown): HistoryEntry[] {
  if (typeof text !== 'string') return [];
  try {
    const value = JSON.parse(text);
    return Array.isArray(value) ? (value as HistoryEntry[]) : [];
  } catch {
    return [];
  }
}

const newestFirst = (a: HistoryEntry, b: HistoryEntry) =>
  a.ended_at < b.ended_at ? 1 : a.ended_at > b.ended_at ? -1 : 0;

/** History entries written at once: as many as the connections kept to Vault. */
const APPEND_CONCURRENCY = 16;
/**
 * Rotation history in Vault KV: per secret, the newest HISTORY_LIMIT entries in one KV entry,
 * and a status (last rotation, counts) in SHARDS shard entries. Appends use check-and-set, so two
 * processes recording at once both land.
 */
export class HistoryStore {
  constructor(
    private readonly vault: StoreVault,
    readonly location: StoreLocation = DEFAULT_STORE,
    private readonly cas: CasOptions = {},
    private readonly limit = HISTORY_LIMIT,
  ) {}

  /**
   * Records one rotation: first its history entry, then its secret's status. A process dying in
   * between leaves the status one rotation behind, never the history.
   */
  async append(entry: HistoryEntry): Promise<void> {
    const [failure] = await this.appendAll([entry]);
    if (failure) throw failure.error;
  }

  /**
   * Records many rotations (an emergency's secrets) as append does each, in as few round trips
   * as it can: the history entries a few at a time, then each status shard once with all of its
   * secrets. Returns the entries that could not be recorded, with why.
   */
  async appendAll(entries: readonly HistoryEntry[]): Promise<Array<{ entry: HistoryEntry; error: unknown }>> {
    const failures: Array<{ entry: HistoryEntry; error: unknown }> = [];
    const recorded: HistoryEntry[] = [];
    await pMap(
      entries.map((e) => this.trimmed(e)),
      async (kept) => {
        try {
          await this.appendHistory(kept);
          recorded.push(kept);
        } catch (error) {
          failures.push({ entry: kept, error });
        }
      },
      { concurrency: APPEND_CONCURRENCY },
    );
    const byShard = new Map<number, HistoryEntry[]>();
    for (const e of recorded) {
      const shard = shardOf(e.secret_path);
      byShard.set(shard, [...(byShard.get(shard) ?? []), e]);
    }
    await Promise.all(
      [...byShard].map(async ([shard, kept]) => {
        const at = statusShard(this.location, shard);
        try {
          await casUpdate(
            this.vault,
            at,
            ({ data }) => {
              const map = { ...decodeShard(data, `${at.mount}/${at.path}`) };
              for (const e of kept)
                map[e.secret_path] = applyEntry(decodeStatus(e.secret_path, map[e.secret_path]), e);
              return { data: encodeShard(map, { last: lastView(map) }), result: undefined };
            },
            this.cas,
          );
        } catch (error) {
          failures.push(...kept.map((entry) => ({ entry, error })));
        }
      }),
    );
    return failures;
  }

  /** An entry with an overlong error text cut down. */
  private trimmed(entry: HistoryEntry): HistoryEntry {
    return entry.error && entry.error.length > ERROR_LIMIT
      ? { ...entry, error: `${entry.error.slice(0, ERROR_LIMIT)}…` }
      : entry;
  }

  private async appendHistory(kept: HistoryEntry): Promise<void> {
    await casUpdate(
      this.vault,
      historyLocation(this.location, kept.secret_path),
      ({ data }) => {
        let entries = [...decodeEntries(data.entries), kept].slice(-this.limit);
        let text = JSON.stringify(entries);
        // Long error texts could push even 500 entries past the entry limit: drop the oldest.
        while (Buffer.byteLength(text) > ENTRY_LIMIT_BYTES - 1024 && entries.length > 1) {
          entries = entries.slice(Math.ceil(entries.length / 10));
          text = JSON.stringify(entries);
        }
        return { data: { entries: text }, result: undefined };
      },
      this.cas,
    );
  }

  /** One secret's rotations, newest first. */
  async entries(secretPath: string, limit = this.limit): Promise<HistoryEntry[]> {
    const { data } = await readVersioned(this.vault, historyLocation(this.location, secretPath));
    return decodeEntries(data.entries).sort(newestFirst).slice(0, limit);
  }

  /** Every secret's status, by path: one read per shard. */
  async statuses(): Promise<Map<string, SecretStatus>> {
    const shards = await Promise.all(Array.from({ length: SHARDS }, (_, n) => this.readStatuses(n)));
    const all = new Map<string, SecretStatus>();
    for (const shard of shards) {
      for (const [path, text] of Object.entries(shard)) {
        const status = decodeStatus(path, text);
        if (status) all.set(path, status);
      }
    }
    return all;
  }

  /**
   * Each secret's last success and last status only, from the small `last` view of each status
   * shard: what `rotor due` needs, at a fraction of the parsing.
   */
  async lastRotations(): Promise<Map<string, LastRotation>> {
    const views = await Promise.all(
      Array.from({ length: SHARDS }, async (_, n) => {
        const at = statusShard(this.location, n);
        return decodeShard(
          (await readVersioned(this.vault, at)).data,
          `${at.mount}/${at.path}`,
          'last',
        ) as Record<string, LastRotation>;
      }),
    );
    return new Map(views.flatMap((view) => Object.entries(view)));
  }

  async status(secretPath: string): Promise<SecretStatus | undefined> {
    return decodeStatus(secretPath, (await this.readStatuses(shardOf(secretPath)))[secretPath]);
  }

  private async readStatuses(shard: number): Promise<Record<string, unknown>> {
    const at = statusShard(this.location, shard);
    return decodeShard((await readVersioned(this.vault, at)).data, `${at.mount}/${at.path}`);
  }

  /**
   * The newest rotations across all secrets. Reads histories in order of their latest rotation
   * and stops once no unread secret can hold anything newer than what it has.
   */
  async recent(limit: number): Promise<HistoryEntry[]> {
    const order = [...(await this.statuses()).values()].sort((a, b) =>
      a.last_at < b.last_at ? 1 : a.last_at > b.last_at ? -1 : 0,
    );
    let collected: HistoryEntry[] = [];
    for (let i = 0; i < order.length; i += 8) {
      if (collected.length >= limit && collected[limit - 1].ended_at >= order[i].last_at) break;
      const batch = await Promise.all(order.slice(i, i + 8).map((s) => this.entries(s.secret_path, limit)));
      collected = [...collected, ...batch.flat()].sort(newestFirst);
    }
    return collected.slice(0, limit);
  }

  /** The document's statistics, for one secret or all. */
  async stats(secretPath?: string): Promise<RotationStats> {
    if (secretPath === undefined) return statsOf((await this.statuses()).values());
    const status = await this.status(secretPath);
    return statsOf(status ? [status] : []);
  }
}
