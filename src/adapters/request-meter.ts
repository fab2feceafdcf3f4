import { AsyncLocalStorage } from 'node:async_hooks';

/** The servers whose requests are counted: each is one round trip over the network. */
export type MeteredServer = 'vault' | 'kubernetes' | 'http' | 'rabbitmq';

/** Requests sent to each server while one piece of work ran. */
export type RequestCounts = Partial<Record<MeteredServer, number>>;

const current = new AsyncLocalStorage<RequestCounts>();

/**
 * Counts one request to `server` against the work running now (a step's action, followed through
 * its promises), if any is being measured. Background work (token renewal) counts nowhere.
 */
export function countRequest(server: MeteredServer): void {
  const counts = current.getStore();
  if (counts) counts[server] = (counts[server] ?? 0) + 1;
}

/**
 * Runs `work`, tallying the requests it sends into `counts` (per server), whether it succeeds or
 * fails. Concurrent work (the children of a parallel group) tallies apart: each runs in its own
 * async context.
 */
export function countingRequests<T>(counts: RequestCounts, work: () => Promise<T>): Promise<T> {
  return current.run(counts, work);
}
