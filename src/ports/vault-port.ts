import type { Secret } from '../engine/secret.js';
import { RotorError } from '../errors.js';

/** A KV v2 secret as read: its data (plaintext: wrap it with `ctx.secret` at once) and version. */
export interface KvSecret {
  data: Record<string, unknown>;
  version: number;
  createdTime: string;
}

/** A KV v2 secret's metadata: what `vault kv metadata get` shows. */
export interface KvMetadata {
  currentVersion: number;
  oldestVersion: number;
  casRequired: boolean;
  maxVersions: number;
  customMetadata: Record<string, string> | null;
  /** Per version: whether it can still be read. */
  versions: Record<number, { createdTime: string; deleted: boolean; destroyed: boolean }>;
}

/** Values written to KV; secrets stay wrapped until the adapter sends them. `null` removes a key in a patch. */
export type KvData = Record<string, string | number | boolean | null | Secret>;

/** Where a KV v2 secret lives: mount (`secret`) and path inside it (`harmonyflow/redis`). */
export interface KvLocation {
  mount: string;
  path: string;
}

export interface TransitKeyInfo {
  name: string;
  latestVersion: number;
  minDecryptionVersion: number;
  minEncryptionVersion: number;
  /** Version number → creation time, unix seconds. */
  versions: Record<number, number>;
}

export interface StaticCreds {
  username: string;
  /** Plaintext: wrap it with `ctx.secret` at once. */
  password: string;
  lastVaultRotation: string;
  ttl: number;
}

export interface HealthStatus {
  initialized: boolean;
  sealed: boolean;
  standby: boolean;
  version: string;
  /** The HTTP status of sys/health: 200 active, 429 standby, 501 uninitialised, 503 sealed. */
  status: number;
}

export interface SealStatus {
  sealed: boolean;
  threshold: number;
  shares: number;
  progress: number;
}

export interface LeaseRenewal {
  leaseId: string;
  leaseDuration: number;
  renewable: boolean;
}

/**
 * What vault actions need from a Vault client; implemented over node-vault in
 * src/adapters/vault.ts. Every method throws a RotorError naming the path and the status.
 */
export interface VaultPort {
  /** Where Vault is (`https://vault.example:8200`), for messages. */
  readonly address: string;
  /** Latest or a given version; not found, deleted and destroyed versions throw. */
  kvRead(at: KvLocation, options?: { version?: number; signal?: AbortSignal }): Promise<KvSecret>;
  /** null when the path was never written. */
  kvMetadata(at: KvLocation, options?: { signal?: AbortSignal }): Promise<KvMetadata | null>;
  /** Writes a new version; with `cas`, only if the current version is still `cas` (0: only if new). */
  kvWrite(
    at: KvLocation,
    data: KvData,
    options?: { cas?: number; signal?: AbortSignal },
  ): Promise<{ version: number }>;
  /** Merge-patches the latest version into a new one (`null` removes a key). */
  kvPatch(
    at: KvLocation,
    data: KvData,
    options?: { cas?: number; signal?: AbortSignal },
  ): Promise<{ version: number }>;
  /** Replaces the secret's custom metadata (used to mark staged values). */
  kvWriteCustomMetadata(
    at: KvLocation,
    custom: Record<string, string>,
    options?: { signal?: AbortSignal },
  ): Promise<void>;
  /** Removes a secret with all its versions (a staged value once promoted or abandoned). */
  kvDeleteAll(at: KvLocation, options?: { signal?: AbortSignal }): Promise<void>;
  transitKeyInfo(mount: string, key: string, options?: { signal?: AbortSignal }): Promise<TransitKeyInfo>;
  transitRotate(mount: string, key: string, options?: { signal?: AbortSignal }): Promise<TransitKeyInfo>;
  dbRotateRoot(mount: string, connection: string, options?: { signal?: AbortSignal }): Promise<void>;
  dbRotateRole(mount: string, role: string, options?: { signal?: AbortSignal }): Promise<void>;
  dbStaticCreds(mount: string, role: string, options?: { signal?: AbortSignal }): Promise<StaticCreds>;
  renewLease(
    leaseId: string,
    incrementSeconds?: number,
    options?: { signal?: AbortSignal },
  ): Promise<LeaseRenewal>;
  /** Never throws for a sealed or standby Vault: that is an answer, not an error. */
  health(options?: { signal?: AbortSignal }): Promise<HealthStatus>;
  sealStatus(options?: { signal?: AbortSignal }): Promise<SealStatus>;
  /** Submits one unseal key share; the share is revealed only for the request. */
  unsealShare(share: Secret, options?: { signal?: AbortSignal }): Promise<SealStatus>;
  unsealReset(options?: { signal?: AbortSignal }): Promise<SealStatus>;
  /**
   * Any other engine's read (`pki/cert/ca`), for actions with no method of their own: the answer's
   * `data`, plaintext (wrap secret fields with `ctx.secret` at once). Not found throws.
   */
  read(apiPath: string, options?: { signal?: AbortSignal }): Promise<Record<string, unknown>>;
  /** Any other engine's list (`pki/certs`): the keys, `[]` when there are none. */
  list(apiPath: string, options?: { signal?: AbortSignal }): Promise<string[]>;
  /** Any other engine's write (`pki/issue/<role>`, `transit/rewrap/<key>`): the answer's `data`, `{}` for a 204. */
  write(
    apiPath: string,
    body: Record<string, unknown>,
    options?: { signal?: AbortSignal },
  ): Promise<Record<string, unknown>>;
  /** Stops token renewal; the port is unusable afterwards. */
  close(): void;
}

/** What went wrong in a Vault call, so actions can tell "not there" from "not allowed". */
export type VaultErrorKind =
  | 'not-found'
  | 'deleted'
  | 'permission-denied'
  | 'invalid-token'
  | 'sealed'
  | 'cas-conflict'
  | 'cas-required'
  | 'unreachable'
  | 'bad-request'
  | 'server-error';

/** A failed Vault call: the message names the path, the status and what to do; no server body in it. */
export class VaultError extends RotorError {
  constructor(
    readonly kind: VaultErrorKind,
    message: string,
    options: { hint?: string; status?: number } = {},
  ) {
    super(message, { hint: options.hint });
    this.status = options.status;
  }

  /** The HTTP status Vault answered, when it answered. */
  readonly status?: number;
}

/** True when the error is a VaultError of that kind. */
export function isVaultError(error: unknown, kind?: VaultErrorKind): error is VaultError {
  return error instanceof VaultError && (kind === undefined || error.kind === kind);
}
