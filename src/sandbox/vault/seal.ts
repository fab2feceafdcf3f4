import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { VaultHttpError, badRequest, multierror } from './envelope.js';
import { combine, split } from './shamir.js';

/** The emulated version, reported by health and seal status. */
export const VAULT_VERSION = '1.15.4';
const BUILD_DATE = '2023-12-04T17:45:28Z';

/** What persists of the seal: the key shares handed out at init and a hash of the root key. */
export interface SealConfig {
  shares: number;
  threshold: number;
  /** The shares, base64, as `vault operator init` prints them. Kept so the sandbox can show them again. */
  keysB64: string[];
  rootKeyHash: string;
  clusterName: string;
  clusterId: string;
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A fresh Shamir seal with `shares` keys, `threshold` of which unseal. */
export function initSeal(shares: number, threshold: number): SealConfig {
  const rootKey = randomBytes(32);
  return {
    shares,
    threshold,
    keysB64: split(rootKey, shares, threshold).map((b) => b.toString('base64')),
    rootKeyHash: sha256(rootKey),
    clusterName: `vault-cluster-${randomBytes(4).toString('hex')}`,
    clusterId: randomUUID(),
  };
}

/** The barrier key's length limits; a share is one byte longer (shamir.ShareOverhead). */
const MIN_KEY = 16;
const MAX_SHARE = 32 + 1;

/**
 * Decodes a share as http/sys_seal.go does: hex when it decodes to a plausible length, else
 * standard base64 (padding required, as Go's StdEncoding); anything else is a 400.
 */
function decodeKey(key: string): Buffer {
  if (/^[0-9a-fA-F]*$/.test(key) && key.length % 2 === 0) {
    const hex = Buffer.from(key, 'hex');
    if (hex.length >= MIN_KEY && hex.length <= MAX_SHARE) return hex;
  }
  if (/^[A-Za-z0-9+/]*={0,2}$/.test(key) && key.length % 4 === 0) return Buffer.from(key, 'base64');
  throw badRequest("'key' must be a valid hex or base64 string");
}

/** Sealed/unsealed state and the progress of an unseal in course. */
export class SealState {
  sealed: boolean;
  private parts: Buffer[] = [];
  private nonce = '';

  constructor(
    readonly config: SealConfig,
    sealed: boolean,
  ) {
    this.sealed = sealed;
  }

  seal(): void {
    this.sealed = true;
    this.reset();
  }

  reset(): void {
    this.parts = [];
    this.nonce = '';
  }

  /**
   * Adds one share; unseals when `threshold` distinct shares recombine the root key. A share of
   * the wrong size is refused before it counts (vault/seal_manager unsealFragment), keeping the
   * progress made so far; parts that cannot be combined fail the attempt with a 500.
   */
  submit(key: string): void {
    const share = decodeKey(key);
    if (!this.sealed) return;
    if (share.length < MIN_KEY) throw badRequest(`invalid key: key is shorter than minimum ${MIN_KEY} bytes`);
    if (share.length > MAX_SHARE)
      throw badRequest(`invalid key: key is longer than maximum ${MAX_SHARE} bytes`);
    if (this.parts.some((p) => p.equals(share))) return; // Vault ignores a share given twice
    if (this.parts.length === 0) this.nonce = randomUUID();
    this.parts.push(share);
    if (this.parts.length < this.config.threshold) return;
    const parts = this.parts;
    this.reset();
    // A combine error is not a key error to Vault, so it answers 500 (http/sys_seal.go), progress reset.
    let combined: Buffer;
    try {
      combined = combine(parts);
    } catch (err) {
      throw new VaultHttpError(500, [
        multierror([`failed to compute combined key: ${(err as Error).message}`]),
      ]);
    }
    const candidate = Buffer.from(sha256(combined), 'hex');
    if (!timingSafeEqual(candidate, Buffer.from(this.config.rootKeyHash, 'hex')))
      throw badRequest('Unseal failed, invalid key');
    this.sealed = false;
  }

  /** The body of `sys/seal-status` (and of every `sys/unseal` answer). */
  status(): Record<string, unknown> {
    const body: Record<string, unknown> = {
      type: 'shamir',
      initialized: true,
      sealed: this.sealed,
      t: this.config.threshold,
      n: this.config.shares,
      progress: this.parts.length,
      nonce: this.nonce,
      version: VAULT_VERSION,
      build_date: BUILD_DATE,
      migration: false,
      recovery_seal: false,
      storage_type: 'inmem',
    };
    if (!this.sealed)
      Object.assign(body, { cluster_name: this.config.clusterName, cluster_id: this.config.clusterId });
    return body;
  }

  /** The body of `sys/health`; cluster fields are unknown while sealed, so Vault omits them. */
  health(nowMs: number): Record<string, unknown> {
    const body: Record<string, unknown> = {
      initialized: true,
      sealed: this.sealed,
      standby: false,
      performance_standby: false,
      replication_performance_mode: 'disabled',
      replication_dr_mode: 'disabled',
      server_time_utc: Math.floor(nowMs / 1000),
      version: VAULT_VERSION,
    };
    if (!this.sealed)
      Object.assign(body, { cluster_name: this.config.clusterName, cluster_id: this.config.clusterId });
    return body;
  }
}
