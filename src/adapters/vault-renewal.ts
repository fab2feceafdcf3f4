import type { NodeVaultClient } from './vault-client.js';

/**
 * setTimeout's longest delay (2^31 − 1 ms, about 24.8 days). Node fires a longer one after 1 ms,
 * so renewing at 80 % of a token TTL of 31 days would renew every millisecond.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** When to renew a token with `ttlSeconds` left: at 80 % of it, at most MAX_TIMER_MS from now. */
export function renewalDelayMs(ttlSeconds: number): number {
  return Math.min(Math.max(1, Math.floor(ttlSeconds * 0.8)) * 1000, MAX_TIMER_MS);
}

/** What happened to the token, for the caller's log and AppRole fallback. */
export interface RenewalEvents {
  /** Vault answered, but the token can no longer be renewed (no TTL left to extend). */
  expired(): void;
  /** Renewing failed (denied, unreachable). */
  failed(error: unknown): void;
}

/**
 * Renews the client's token in the background for as long as it can (one lookup-self to learn the
 * TTL, then a renew-self at 80 % of each new TTL). node-vault's own startTokenRenewal does the
 * same without capping the delay. Resolves, once the TTL is known, to the stop function; awaited
 * so the lookup does not race the session's first request onto a second connection. Timers
 * never hold the process open.
 */
export async function renewToken(client: NodeVaultClient, events: RenewalEvents): Promise<() => void> {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const schedule = (ttlSeconds: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      client.tokenRenewSelf().then(
        (result: { auth?: { lease_duration?: number; renewable?: boolean } }) => {
          const ttl = Number(result?.auth?.lease_duration ?? 0);
          if (ttl > 0 && result.auth?.renewable !== false) schedule(ttl);
          else if (!stopped) events.expired();
        },
        (error: unknown) => {
          if (!stopped) events.failed(error);
        },
      );
    }, renewalDelayMs(ttlSeconds));
    timer.unref();
  };
  // A token without lookup-self (or a root token, TTL 0) simply is not renewed.
  await client.tokenLookupSelf().then(
    (result: { data?: { ttl?: number } }) => {
      const ttl = Number(result?.data?.ttl ?? 0);
      if (ttl > 0) schedule(ttl);
    },
    () => undefined,
  );
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
