import { isVaultError, type VaultPort } from '../actions/vault-port.js';
import { SANDBOX } from './environments.js';
import { UsageError } from '../errors.js';

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

/** Where locks live: KV v2 under `secret/<prefix>/locks/<secret path>`. */
export function lockLocation(prefix: string, secretPath: string) {
  return { mount: 'secret', path: `${prefix}/locks/${secretPath}` };
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

  async acquire(
    secretPath: string,
    holder: Omit<LockHolder, 'since' | 'expires_at'>,
    ttlMs: number,
  ): Promise<void> {
    const at = lockLocation(this.prefix, secretPath);
    const current = await this.read(secretPath);
    // The same session coming back (`rotor resume`) takes its own lock over.
    if (
      current &&
      !current.released &&
      current.holder.session !== holder.session &&
      Date.parse(current.holder.expires_at) > this.now()
    )
      throw new LockHeldError(secretPath, current.holder);
    const since = new Date(this.now()).toISOString();
    const data = {
      ...holder,
      since,
      expires_at: new Date(this.now() + ttlMs).toISOString(),
      released: 'false',
    };
    try {
      await this.vault.kvWrite(at, data, { cas: current?.version ?? 0 });
    } catch (error) {
      if (!isVaultError(error, 'cas-conflict')) throw error;
      const winner = await this.read(secretPath);
      throw new LockHeldError(
        secretPath,
        winner?.holder ?? { ...holder, session: 'unknown', since, expires_at: data.expires_at },
      );
    }
  }

  /** Extends our own lock during a long run; a lock someone broke is not taken back. */
  async renew(secretPath: string, session: string, ttlMs: number): Promise<void> {
    const current = await this.read(secretPath);
    if (!current || current.released || current.holder.session !== session) return;
    await this.vault.kvWrite(
      lockLocation(this.prefix, secretPath),
      { ...current.holder, expires_at: new Date(this.now() + ttlMs).toISOString(), released: 'false' },
      { cas: current.version },
    );
  }

  /** Releases our lock (or, with `force`, anyone's: `rotor unlock --confirm`). Never throws for a lock that is already gone. */
  async release(
    secretPath: string,
    session: string | undefined,
    options: { force?: boolean } = {},
  ): Promise<LockHolder | undefined> {
    const current = await this.read(secretPath);
    if (!current || current.released) return undefined;
    if (!options.force && current.holder.session !== session) return undefined;
    await this.vault.kvWrite(
      lockLocation(this.prefix, secretPath),
      { ...current.holder, released: 'true' },
      { cas: current.version },
    );
    return current.holder;
  }

  async read(
    secretPath: string,
  ): Promise<{ holder: LockHolder; released: boolean; version: number } | undefined> {
    try {
      const { data, version } = await this.vault.kvRead(lockLocation(this.prefix, secretPath));
      const { released, ...holder } = data as unknown as LockHolder & { released: string };
      return { holder, released: released === 'true', version };
    } catch (error) {
      if (isVaultError(error, 'not-found')) return undefined;
      throw error;
    }
  }
}
