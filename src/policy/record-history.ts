import { describeError } from '../errors.js';
import type { HistoryEntry } from './history.js';
import { HistoryStore } from './history-store.js';
import { historyEntryOf, type EndedSession } from './session-history.js';
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
 * Appends a finished session to its secret's history in the environment's Vault. Returns the
 * entry (recorded or not: notifications still need it), or undefined when the session was not a
 * rotation of a secret.
 */
export async function recordSession(
  session: EndedSession,
  vault: StoreVault | undefined,
  options: RecordOptions,
): Promise<HistoryEntry | undefined> {
  const entry = historyEntryOf(session, options.attempt ?? 1);
  if (!entry) return undefined;
  if (!vault) {
    options.warn(
      `rotation history not recorded for ${entry.secret_path}: environment ${session.environment} has no Vault connection`,
    );
    return entry;
  }
  try {
    await new HistoryStore(vault, options.location).append(entry);
  } catch (error) {
    options.warn(
      `rotation history not recorded for ${entry.secret_path} (session ${session.sessionId}): ${describeError(error)}`,
    );
  }
  return entry;
}
