import type { HistoryEntry, RotationStats } from '../policy/history.js';
import {
  prometheusReport,
  rotationHistory,
  rotationStatistics,
  rotationStatus,
  type RotationStatusReport,
} from '../policy/rotation-queries.js';
import { canonicalSecretPath } from '../policy/secret-path.js';
import { withStores, type StoreHost } from './stores.js';

/**
 * The read-only questions about rotations (`rotor status|history|stats`, the library's getters):
 * each names the environment it read, for the words around the answer. A path is checked before
 * connecting: a refused spelling reads nothing.
 */

/** When a secret was rotated and is due next, and why. */
export function readStatus(
  host: StoreHost,
  environment: string | undefined,
  secretPath: string,
  now: Date,
): Promise<{ environment: string; report: RotationStatusReport }> {
  const path = canonicalSecretPath(secretPath);
  return withStores(host, environment, async (stores) => ({
    environment: stores.environment.name,
    report: await rotationStatus(stores, path, now),
  }));
}

/** One secret's rotations, or the newest across all; newest first. */
export function readHistory(
  host: StoreHost,
  environment: string | undefined,
  secretPath: string | undefined,
  limit: number | undefined,
): Promise<{ environment: string; secretPath?: string; entries: HistoryEntry[] }> {
  const path = secretPath === undefined ? undefined : canonicalSecretPath(secretPath);
  return withStores(host, environment, async (stores) => ({
    environment: stores.environment.name,
    secretPath: path,
    entries: await rotationHistory(stores, { secretPath: path, limit }),
  }));
}

/** Totals, success rate and average duration, for one secret or all. */
export function readStats(
  host: StoreHost,
  environment: string | undefined,
  secretPath: string | undefined,
): Promise<{ environment: string; stats: RotationStats }> {
  const path = secretPath === undefined ? undefined : canonicalSecretPath(secretPath);
  return withStores(host, environment, async (stores) => ({
    environment: stores.environment.name,
    stats: await rotationStatistics(stores, path),
  }));
}

/** Every policy's figures in the textfile format node exporter reads. */
export function readPrometheus(host: StoreHost, environment: string | undefined, now: Date): Promise<string> {
  return withStores(host, environment, (stores) => prometheusReport(stores, now));
}
