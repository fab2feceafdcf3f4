import { describeError } from '../errors.js';
import type { HistoryEntry } from './history.js';
import { HistoryStore } from './history-store.js';
import { historyEntriesOf, type EndedSession } from './session-history.js';
import type { StoreLocation, StoreVault } from './store-layout.js';

/** How a finished session's rotation is recorded. */
export interface RecordOptions {
  location: StoreLocation;
  /** Which attempt of a policy's retries this session was (1 outside `run --due`). */
  attempt?: number;
  /** Where a failure to record is told; recording never changes a run's outcome. */
  warn: (message: string) => void;
}

/**
 * Appends a finished session to the history of every secret it rotated, in the environment's
 * Vault. Returns the entries (recorded or not: notifications still need them); none when the
 * session was not a rotation of a secret.
 */
export async function recordSession(
  session: EndedSession,
  vault: StoreVault | undefined,
  options: RecordOptions,
): Promise<HistoryEntry[]> {
  const entries = historyEntriesOf(session, options.attempt ?? 1);
  if (entries.length === 0) return entries;
  if (!vault) {
    options.warn(
      `rotation history not recorded for ${entries.map((e) => e.secret_path).join(', ')}: environment ${session.environment} has no Vault connection`,
    );
    return entries;
  }
  const store = new HistoryStore(vault, options.location);
  for (const { entry, error } of await store.appendAll(entries))
    options.warn(
      `rotation history not recorded for ${entry.secret_path} (session ${session.sessionId}): ${describeError(error)}`,
    );
  return entries;
}
