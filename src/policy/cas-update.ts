import { isVaultError, type KvLocation, type KvData } from '../ports/vault-port.js';
import { RotorError } from '../errors.js';
import { ENTRY_LIMIT_BYTES, entryBytes, type StoreVault } from './store-layout.js';

/** An entry as read for an update: its data and the version a write must check against. */
export interface Versioned {
  data: Record<string, unknown>;
  /** 0 when the entry does not exist yet (a check-and-set write of 0 creates it only if still absent). */
  version: number;
}

/** Reads an entry; a missing one is empty at version 0. */
export async function readVersioned(vault: StoreVault, at: KvLocation): Promise<Versioned> {
  try {
    const secret = await vault.kvRead(at);
    return { data: secret.data ?? {}, version: secret.version };
  } catch (error) {
    if (isVaultError(error, 'not-found')) return { data: {}, version: 0 };
    throw error;
  }
}

/** Tuning of the retry loop; tests shorten it. */
export interface CasOptions {
  attempts?: number;
  /** First back-off in ms; doubles with jitter up to 1 s. */
  backoffMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Read, change, write with check-and-set, and on a conflict read again and re-apply the change:
 * two writers never lose each other's update. `change` returns the new data, or undefined to
 * write nothing (it may run several times, so it must not have side effects).
 */
export async function casUpdate<T>(
  vault: StoreVault,
  at: KvLocation,
  change: (
    current: Versioned,
  ) => { data: Record<string, string>; result: T } | { data?: undefined; result: T },
  options: CasOptions = {},
): Promise<T> {
  const attempts = options.attempts ?? 40;
  const sleep = options.sleep ?? pause;
  let delay = options.backoffMs ?? 10;
  for (let attempt = 1; ; attempt++) {
    const current = await readVersioned(vault, at);
    const next = change(current);
    if (next.data === undefined) return next.result;
    const size = entryBytes(next.data);
    if (size > ENTRY_LIMIT_BYTES) {
      throw new RotorError(
        `${at.mount}/${at.path} would grow to ${Math.round(size / 1024)} KiB, over rotor's ${ENTRY_LIMIT_BYTES / 1024} KiB limit for one KV entry`,
        {
          hint: 'Vault (Consul storage) refuses large entries: remove unused policies, or give this group of secrets its own ROTOR_STORE_PREFIX',
        },
      );
    }
    try {
      await vault.kvWrite(at, next.data as KvData, { cas: current.version });
      return next.result;
    } catch (error) {
      if (!isVaultError(error, 'cas-conflict') || attempt >= attempts) throw error;
      // Jitter spreads writers apart, so two processes retrying do not collide again in step.
      await sleep(delay / 2 + Math.random() * delay);
      delay = Math.min(delay * 2, 1000);
    }
  }
}
