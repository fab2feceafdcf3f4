import type { HistoryEntry } from '../policy/history.js';
import { dueSoonFirst, policyRow, type PolicyRow } from '../policy/policy-rows.js';
import { dueReport } from '../policy/rotation-queries.js';
import { withStores, type StoreHost } from './stores.js';

/** What the policies screen shows, read from an environment's Vault. */
export interface PoliciesScreenData {
  environment: string;
  rows: PolicyRow[];
  now: Date;
  loadHistory: (secretPath: string) => Promise<HistoryEntry[]>;
}

/**
 * Reads the policies screen's data: every policy's due state and last status, due-soon first.
 * Mount it as `<PoliciesScreen {...await loadPoliciesScreen(ctx, env)} onBack={…} />`.
 */
export async function loadPoliciesScreen(
  host: StoreHost,
  environment: string | undefined,
  now = new Date(),
): Promise<PoliciesScreenData> {
  return withStores(host, environment, async (stores) => {
    const { items } = await dueReport(stores, now);
    return {
      environment: stores.environment.name,
      rows: dueSoonFirst(items.map(policyRow)),
      now,
      loadHistory: (secretPath) =>
        withStores(host, stores.environment.name, (s) => s.history.entries(secretPath, 50)),
    };
  });
}
