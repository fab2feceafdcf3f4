import { badRequest, envelope, multierror, VaultHttpError } from './envelope.js';
import { goDuration, intField, rfc3339 } from './fields.js';
import { mergePatch } from './merge-patch.js';

/** One version of a secret. Times are epoch ms; `deletionTime` 0 = not deleted. */
export interface KvVersion {
  createdTime: number;
  deletionTime: number;
  destroyed: boolean;
  /** The secret's key/value data; null once destroyed or trimmed. */
  data: Record<string, unknown> | null;
}

/** A secret's metadata and versions, as KV v2 keeps them. */
export interface KvKey {
  createdTime: number;
  updatedTime: number;
  currentVersion: number;
  oldestVersion: number;
  maxVersions: number;
  casRequired: boolean;
  deleteVersionAfter: number;
  customMetadata: Record<string, string> | null;
  versions: Record<string, KvVersion>;
}

/** The engine-wide `config` of a KV v2 mount. */
export interface KvConfig {
  maxVersions: number;
  casRequired: boolean;
  deleteVersionAfter: number;
}

const DEFAULT_MAX_VERSIONS = 10;

/** Version metadata as data reads, writes and patches answer it. */
export function versionMetadata(key: KvKey, version: number): Record<string, unknown> {
  const v = key.versions[version];
  return {
    created_time: rfc3339(v.createdTime),
    custom_metadata: key.customMetadata,
    deletion_time: v.deletionTime ? rfc3339(v.deletionTime) : '',
    destroyed: v.destroyed,
    version,
  };
}

/** The CAS rule of the KV v2 plugin: a given `cas` must equal the current version (0 for a new key). */
function checkCas(options: unknown, config: KvConfig, key: KvKey | undefined): void {
  const cas = options && typeof options === 'object' ? (options as Record<string, unknown>).cas : undefined;
  if (cas !== undefined) {
    let n: number | undefined;
    try {
      n = intField(cas, 'cas');
    } catch {
      throw badRequest('error parsing check-and-set parameter');
    }
    if ((n ?? 0) !== (key?.currentVersion ?? 0))
      throw badRequest('check-and-set parameter did not match the current version');
  } else if (config.casRequired || key?.casRequired) {
    throw badRequest('check-and-set parameter required for this call');
  }
}

/** Vault's custom_metadata limits, reported as its multierror. */
export function validateCustomMetadata(meta: Record<string, string>): void {
  const prefix = 'custom_metadata validation failed';
  const keys = Object.keys(meta);
  if (keys.length > 64)
    throw badRequest(
      multierror([`${prefix}: payload must contain at most 64 keys, provided ${keys.length}`]),
    );
  const errors: string[] = [];
  for (const [k, v] of Object.entries(meta)) {
    if (k.length === 0 || k.length > 128)
      errors.push(`${prefix}: length of key "${k}" is ${k.length} but must be 0 < len(key) <= 128`);
    if (v.length === 0 || v.length > 512)
      errors.push(
        `${prefix}: length of value for key "${k}" is ${v.length} but must be 0 < len(value) <= 512`,
      );
  }
  if (errors.length) throw badRequest(multierror(errors));
}

/** One KV v2 mount's storage and its rules (CAS, retention, soft delete). */
export class KvStore {
  keys = new Map<string, KvKey>();
  config: KvConfig = { maxVersions: 0, casRequired: false, deleteVersionAfter: 0 };

  constructor(readonly now: () => number) {}

  get(path: string): KvKey | undefined {
    return this.keys.get(path);
  }

  isDeleted(v: KvVersion): boolean {
    return v.deletionTime !== 0 && v.deletionTime <= this.now();
  }

  /**
   * Writes a new version; `data` must be an object, `options.cas` is checked first. `at` (epoch
   * ms) backdates it: only in-process seeding passes it, so a sandbox secret can look months old.
   */
  write(path: string, data: unknown, options: unknown, at?: number): { key: KvKey; version: number } {
    if (data === undefined) throw badRequest('no data provided');
    if (data === null || typeof data !== 'object' || Array.isArray(data))
      throw badRequest(`error converting input for field "data"`);
    const existing = this.keys.get(path);
    checkCas(options, this.config, existing);
    const now = at ?? this.now();
    const key: KvKey = existing ?? emptyKey(now);
    const dva = [this.config.deleteVersionAfter, key.deleteVersionAfter].filter((d) => d > 0);
    key.currentVersion += 1;
    key.versions[key.currentVersion] = {
      createdTime: now,
      deletionTime: dva.length ? now + Math.min(...dva) * 1000 : 0,
      destroyed: false,
      data: structuredClone(data as Record<string, unknown>),
    };
    key.updatedTime = now;
    this.trim(key);
    this.keys.set(path, key);
    return { key, version: key.currentVersion };
  }

  /** Retention exactly as the plugin's AddVersion: keeps max(key, engine) versions, 10 when both are 0. */
  private trim(key: KvKey): void {
    const max = Math.max(key.maxVersions, this.config.maxVersions) || DEFAULT_MAX_VERSIONS;
    if (key.currentVersion - key.oldestVersion >= max) {
      const last = key.currentVersion - max;
      for (let i = key.oldestVersion; i <= last; i++) delete key.versions[i];
      key.oldestVersion = last + 1;
    }
  }

  /** Merge-patches the current version into a new one; 404 shapes as the plugin answers them. */
  patch(path: string, data: unknown, options: unknown): { key: KvKey; version: number } {
    if (data === undefined) throw badRequest('no data provided');
    const key = this.keys.get(path);
    if (!key) throw new VaultHttpError(404, [], null);
    checkCas(options, this.config, key);
    const current = key.versions[key.currentVersion];
    if (!current) throw new VaultHttpError(404, [], null);
    if (this.isDeleted(current) || current.destroyed) {
      throw new VaultHttpError(404, [], envelope(versionMetadata(key, key.currentVersion)));
    }
    const merged = mergePatch(current.data, data);
    return this.write(path, merged, { cas: key.currentVersion });
  }

  /** Marks versions deleted (the latest when `versions` is undefined). */
  softDelete(path: string, versions?: number[]): void {
    const key = this.keys.get(path);
    if (!key) return;
    for (const n of versions ?? [key.currentVersion]) {
      const v = key.versions[n];
      if (v && !v.destroyed && !this.isDeleted(v)) v.deletionTime = this.now();
    }
  }

  /**
   * Restores versions; as the plugin does, an undeleted version is armed again with the
   * deletion time `delete_version_after` gives it from now (the smaller non-zero of mount and key).
   */
  undelete(path: string, versions: number[]): void {
    const key = this.keys.get(path);
    if (!key) return;
    const dva = [this.config.deleteVersionAfter, key.deleteVersionAfter].filter((d) => d > 0);
    for (const n of versions) {
      const v = key.versions[n];
      if (v && !v.destroyed) v.deletionTime = dva.length ? this.now() + Math.min(...dva) * 1000 : 0;
    }
  }

  destroy(path: string, versions: number[]): void {
    const key = this.keys.get(path);
    for (const n of versions) {
      const v = key?.versions[n];
      if (v) {
        v.destroyed = true;
        v.data = null;
      }
    }
  }

  /** The metadata read answer. */
  metadata(key: KvKey): Record<string, unknown> {
    const versions: Record<string, unknown> = {};
    for (const [n, v] of Object.entries(key.versions)) {
      versions[n] = {
        created_time: rfc3339(v.createdTime),
        deletion_time: v.deletionTime ? rfc3339(v.deletionTime) : '',
        destroyed: v.destroyed,
      };
    }
    return {
      cas_required: key.casRequired,
      created_time: rfc3339(key.createdTime),
      current_version: key.currentVersion,
      custom_metadata: key.customMetadata,
      delete_version_after: goDuration(key.deleteVersionAfter),
      max_versions: key.maxVersions,
      oldest_version: key.oldestVersion,
      updated_time: rfc3339(key.updatedTime),
      versions,
    };
  }

  /** Immediate children of a folder (`a/` → `["b", "c/"]`), sorted; empty when nothing is there. */
  list(prefix: string): string[] {
    const folder = prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
    const out = new Set<string>();
    for (const path of this.keys.keys()) {
      if (!path.startsWith(folder)) continue;
      const rest = path.slice(folder.length);
      const slash = rest.indexOf('/');
      out.add(slash === -1 ? rest : rest.slice(0, slash + 1));
    }
    return [...out].sort();
  }

  toJSON(): { config: KvConfig; keys: Record<string, KvKey> } {
    return { config: this.config, keys: Object.fromEntries(this.keys) };
  }

  load(saved: { config: KvConfig; keys: Record<string, KvKey> }): void {
    this.config = saved.config;
    this.keys = new Map(Object.entries(saved.keys));
  }
}

/** A key with no versions yet, as a first write or a metadata write creates it. */
export function emptyKey(now: number): KvKey {
  return {
    createdTime: now,
    updatedTime: now,
    currentVersion: 0,
    oldestVersion: 0,
    maxVersions: 0,
    casRequired: false,
    deleteVersionAfter: 0,
    customMetadata: null,
    versions: {},
  };
}
