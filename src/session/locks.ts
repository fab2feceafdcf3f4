import { isVaultError, type VaultPort } from '../ports/vault-port.js';
import { SANDBOX } from './environments.js';
import { UsageError } from '../errors.js';
import { parseKvPath, type KvPath } from '../vault-path/index.js';
import { ephemeralLockNonce, type LockNonce } from './lock-nonce.js';

/** Who holds a rotation lock, as every operator and the CronJob see it in Vault. */
export interface LockHolder {
  session: string;
  operator: string;
  runbook: string;
  since: string;
  expires_at: string;
}

/** Another session is rotating the same secret: nothing was changed. */
export class LockHeldError extends UsageError {
  /** `environment`: where the lock is, so the unlock command names it (the sandbox has none). */
  constructor(
    readonly secretPath: string,
    readonly holder: LockHolder,
    environment?: string,
  ) {
    const wait = `wait for that session to finish; if it died, the lock expires at ${holder.expires_at}`;
    super(
      `${secretPath} is being rotated by ${holder.operator} since ${holder.since} (session ${holder.session}, runbook ${holder.runbook})`,
      environment === SANDBOX.name
        ? wait
        : `${wait}, or break it with \`rotor unlock ${secretPath}${environment ? ` --env ${environment}` : ''} --confirm\``,
    );
  }
}

/** A lock's key: the canonical path, so `secret/x` can never be a second lock on `x` (it is refused). */
function canonical(secretPath: string | KvPath): KvPath {
  return typeof secretPath === 'string' ? parseKvPath(secretPath) : secretPath;
}

/** Where locks live: KV v2 under `secret/<prefix>/locks/<secret path>`. */
export function lockLocation(prefix: string, secretPath: string | KvPath) {
  return { mount: 'secret', path: `${prefix}/locks/${canonical(secretPath).path}` };
}

/** A lock as Vault holds it: who (public), whose (the owner hash of the session's nonce), and whether it is still held. */
interface LockRecord {
  holder: LockHolder;
  owner: string;
  released: boolean;
  version: number;
}

/**
 * Rotation locks in Vault KV, written with check-and-set so exactly one of two racing sessions
 * wins, across machines. A released or expired lock is taken over with cas against its current
 * version; every holder stays in the key's version history.
 */
export class VaultLocks {
  constructor(
    private readonly vault: VaultPort,
    private readonly prefix = 'rotor',
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Takes the lock on a secret. `nonce` proves the session is the one that took it before (a
   * resume after a kill retakes its own live lock); without one, only a free or expired lock is
   * taken. The public session id proves nothing.
   */
  async acquire(
    secretPath: string | KvPath,
    holder: Omit<LockHolder, 'since' | 'expires_at'>,
    ttlMs: number,
    nonce: LockNonce = ephemeralLockNonce(),
  ): Promise<void> {
    const path = canonical(secretPath);
    const at = lockLocation(this.prefix, path);
    const current = await this.record(path);
    if (
      current &&
      !current.released &&
      current.owner !== nonce.owner &&
      Date.parse(current.holder.expires_at) > this.now()
    )
      throw new LockHeldError(path.path, current.holder);
    const since = new Date(this.now()).toISOString();
    const data = {
      session: holder.session,
      operator: holder.operator,
      runbook: holder.runbook,
      owner: nonce.owner,
      since,
      expires_at: new Date(this.now() + ttlMs).toISOString(),
      released: 'false',
    };
    try {
      await this.vault.kvWrite(at, data, { cas: current?.version ?? 0 });
    } catch (error) {
      if (!isVaultError(error, 'cas-conflict')) throw error;
      const winner = await this.read(path);
      throw new LockHeldError(
        path.path,
        winner?.holder ?? { ...holder, session: 'unknown', since, expires_at: data.expires_at },
      );
    }
  }

  /** Extends our own lock during a long run; a lock someone broke is not taken back. */
  async renew(secretPath: string | KvPath, nonce: LockNonce, ttlMs: number): Promise<void> {
    const current = await this.record(canonical(secretPath));
    if (!current || current.released || current.owner !== nonce.owner) return;
    await this.vault.kvWrite(
      lockLocation(this.prefix, secretPath),
      {
        ...current.holder,
        owner: current.owner,
        expires_at: new Date(this.now() + ttlMs).toISOString(),
        released: 'false',
      },
      { cas: current.version },
    );
  }

  /** Releases our lock (or, with `force`, anyone's: `rotor unlock --confirm`). Never throws for a lock that is already gone. */
  async release(
    secretPath: string | KvPath,
    nonce: LockNonce | undefined,
    options: { force?: boolean } = {},
  ): Promise<LockHolder | undefined> {
    const current = await this.record(canonical(secretPath));
    if (!current || current.released) return undefined;
    if (!options.force && current.owner !== nonce?.owner) return undefined;
    await this.vault.kvWrite(
      lockLocation(this.prefix, secretPath),
      { ...current.holder, owner: current.owner, released: 'true' },
      { cas: current.version },
    );
    return current.holder;
  }

  /** Who holds the lock, as anyone may be told; the owner hash stays out of it. */
  async read(
    secretPath: string | KvPath,
  ): Promise<{ holder: LockHolder; released: boolean; version: number } | undefined> {
    const current = await this.record(canonical(secretPath));
    return current && { holder: current.holder, released: current.released, version: current.version };
  }

  private async record(path: KvPath): Promise<LockRecord | undefined> {
    try {
      const { data, version } = await this.vault.kvRead(lockLocation(this.prefix, path));
      const d = data as Record<string, unknown>;
      const holder: LockHolder = {
        session: String(d.session ?? ''),
        operator: String(d.operator ?? ''),
        runbook: String(d.runbook ?? ''),
        since: String(d.since ?? ''),
        expires_at: String(d.expires_at ?? ''),
      };
      // A record from before owners existed has none: it is nobody's to retake, only to wait out.
      return { holder, owner: String(d.owner ?? ''), released: d.released === 'true', version };
    } catch (error) {
      if (isVaultError(error, 'not-found')) return undefined;
      throw error;
    }
  }
}
