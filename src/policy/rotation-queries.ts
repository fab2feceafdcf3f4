import { dueState, lastRotated } from './due.js';
import { dueStates, needingAge, type DueItem } from './due-index.js';
import { prometheusText, type HistoryEntry, type RotationStats, type RotationStatus } from './history.js';
import type { HistoryStore } from './history-store.js';
import type { Policy } from './policy.js';
import { runbookFor } from './runbook-choice.js';
import type { BrokenPolicy, PolicyStore } from './policy-store.js';
import { readSecretAges, type SecretMetadataReader } from './secret-age.js';

/** The stores of one environment's Vault. */
export interface RotationStores {
  policies: PolicyStore;
  history: HistoryStore;
  /** The environment's secrets themselves, for their age when no rotation is recorded. */
  secrets: SecretMetadataReader;
}

/** `rotor status <path>` and getRotationStatus: the document's keys, plus why. */
export interface RotationStatusReport {
  secret_path: string;
  /** Whether the secret rotates by itself (an active automatic or scheduled policy). */
  scheduled: boolean;
  has_policy: boolean;
  is_active: boolean;
  rotation_type?: Policy['rotation_type'];
  runbook?: string;
  due: boolean;
  reason: string;
  last_rotated?: string;
  next_rotation?: string;
  last_status?: RotationStatus;
  last_error?: string;
  last_session?: string;
  /** The policy's secret does not exist in Vault. */
  secret_missing?: boolean;
}

export async function rotationStatus(
  stores: RotationStores,
  secretPath: string,
  now: Date,
): Promise<RotationStatusReport> {
  const [policy, status] = await Promise.all([
    stores.policies.get(secretPath),
    stores.history.status(secretPath),
  ]);
  const base = {
    secret_path: secretPath,
    last_rotated: status?.last_success,
    last_status: status?.last_status,
    last_error: status?.last_error,
    last_session: status?.last_session,
  };
  if (!policy)
    return {
      ...base,
      scheduled: false,
      has_policy: false,
      is_active: false,
      due: false,
      reason: 'no rotation policy',
    };
  // As for `rotor due` (needingAge): Vault's age counts only while no rotation is recorded.
  const age = status ? undefined : (await readSecretAges(stores.secrets, [secretPath])).get(secretPath);
  const state = dueState(
    policy,
    status?.last_success ? new Date(status.last_success) : undefined,
    now,
    undefined,
    age,
  );
  return {
    ...base,
    last_rotated: lastRotated(status?.last_success, age),
    ...(state.missing ? { secret_missing: true } : {}),
    scheduled: state.scheduled,
    has_policy: true,
    is_active: policy.is_active,
    rotation_type: policy.rotation_type,
    runbook: runbookFor(policy),
    due: state.due,
    reason: state.reason,
    next_rotation: state.next?.toISOString(),
  };
}

/**
 * Every policy's due state (2 × SHARDS reads, plus one metadata read per active policy with no
 * rotation recorded), and the stored policies that could not be read.
 * `onlyDue`: those not due carry no next date or reason (much cheaper with many cron policies),
 * and statuses are read only as far as due computation needs (last success and status).
 */
export async function dueReport(
  stores: RotationStores,
  now: Date,
  options: { onlyDue?: boolean } = {},
): Promise<{ items: DueItem[]; broken: BrokenPolicy[] }> {
  const [{ policies, broken }, statuses] = await Promise.all([
    stores.policies.list(),
    options.onlyDue ? stores.history.lastRotations() : stores.history.statuses(),
  ]);
  const ages = await readSecretAges(stores.secrets, needingAge(policies, statuses));
  return { items: dueStates(policies, statuses, now, options, ages), broken };
}

/** Rotation history, newest first: one secret's, or the newest across all secrets. */
export async function rotationHistory(
  stores: RotationStores,
  options: { secretPath?: string; limit?: number } = {},
): Promise<HistoryEntry[]> {
  const limit = options.limit ?? 20;
  return options.secretPath
    ? stores.history.entries(options.secretPath, limit)
    : stores.history.recent(limit);
}

export async function rotationStatistics(
  stores: RotationStores,
  secretPath?: string,
): Promise<RotationStats> {
  return stores.history.stats(secretPath);
}

/** The statistics and every policy's last rotation and due flag, for node exporter. */
export async function prometheusReport(stores: RotationStores, now: Date): Promise<string> {
  const [{ items }, stats] = await Promise.all([dueReport(stores, now), stores.history.stats()]);
  return prometheusText(
    stats,
    items.map((i) => {
      const last = lastRotated(i.status?.last_success, i.age);
      return {
        path: i.policy.secret_path,
        last: last ? new Date(last) : undefined,
        next: i.state.next,
        due: i.state.due,
      };
    }),
  );
}
