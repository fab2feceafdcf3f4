import { runDigest } from '../check/digest.js';
import { runChecks } from '../check/run-checks.js';
import type { StartCheck } from '../ui/check-fleet.js';
import { openCheckSources } from './check-sources.js';
import type { StoreHost } from '../services/stores.js';

/** The fleet screen's check: every secret of an environment, rows passed on as each is judged. */
export function fleetCheck(host: StoreHost): (environment: string) => StartCheck {
  return (environment) => async (onRow) => {
    const digest = runDigest();
    const opened = await openCheckSources(host, environment, [], digest);
    try {
      return await runChecks(opened.sources, { environment, digest, onRow });
    } finally {
      await opened.close();
    }
  };
}
