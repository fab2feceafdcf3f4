import type { Policy } from '../policy/policy.js';
import type { Digest, ExternalSecretView, PodView, SecretView } from './cluster-view.js';
import { pathsRead, readersByPath, targetOf } from './eso-mapping.js';
import { judgePods, KUBELET_SYNC_MS } from './judge-pods.js';
import { judgeSecret, type SecretRead } from './judge-secret.js';
import { judgeVault } from './judge-vault.js';
import { repairFor } from './repair.js';
import { firstBroken, rowState } from './row-state.js';
import type { CheckSources, ClusterGap } from './sources.js';
import type { CheckRow, Hop, HopName } from './types.js';

/** Checks in flight at once. */
export const CHECKS_AT_ONCE = 16;

export interface CheckOptions {
  /** The paths to check; default every path with a policy or read by an ExternalSecret. */
  paths?: readonly string[];
  /** The `--env` the repair commands name. */
  environment?: string;
  now?: () => Date;
  atOnce?: number;
  digest: Digest;
  kubeletSyncMs?: number;
  /** Called as each row is judged (the table fills in live). */
  onRow?: (row: CheckRow) => void;
}

const isGap = (v: unknown): v is ClusterGap => !Array.isArray(v);

/** The paths a run covers: the ones given, else every policy's and every ExternalSecret's (sorted). */
export function pathsToCheck(
  given: readonly string[] | undefined,
  policies: readonly Policy[],
  readers: readonly ExternalSecretView[] | ClusterGap,
): string[] {
  if (given?.length) return [...new Set(given)];
  const paths = new Set(policies.map((p) => p.secret_path));
  if (!isGap(readers)) for (const es of readers) for (const path of pathsRead(es)) paths.add(path);
  return [...paths].sort();
}

/**
 * Judges every path with at most `atOnce` in flight; rows come back in path order, and each is
 * passed to `onRow` as soon as it is judged. A read that fails makes that hop unreachable or
 * forbidden; the run goes on.
 */
export async function runChecks(sources: CheckSources, options: CheckOptions): Promise<CheckRow[]> {
  const now = options.now ?? (() => new Date());
  const [facts, esList] = await Promise.all([sources.policies(), sources.externalSecrets()]);
  const paths = pathsToCheck(options.paths, facts.policies, esList);
  const readersOf = isGap(esList) ? new Map<string, ExternalSecretView[]>() : readersByPath(esList);
  const policyOf = new Map(facts.policies.map((p) => [p.secret_path, p]));
  const podCache = new Map<string, Promise<readonly PodView[] | ClusterGap>>();
  const podsIn = (ns: string) => {
    if (!podCache.has(ns)) podCache.set(ns, sources.pods(ns));
    return podCache.get(ns)!;
  };
  const rows: CheckRow[] = new Array(paths.length);
  let next = 0;
  const worker = async () => {
    while (next < paths.length) {
      const i = next++;
      rows[i] = await checkOne(paths[i], policyOf.get(paths[i]), facts.lastSuccess.get(paths[i]));
      options.onRow?.(rows[i]);
    }
  };

  async function checkOne(
    path: string,
    policy: Policy | undefined,
    last: Date | undefined,
  ): Promise<CheckRow> {
    const vault = await sources.readVault(path);
    const vaultVerdict = judgeVault(vault, policy, last, now());
    const hops: Record<HopName, Hop> = {
      vault: vaultVerdict.hop,
      secret: { state: 'none', detail: '' },
      pods: { state: 'none', detail: '' },
      target: { state: 'none', detail: 'not probed (--probe)' },
    };
    let readers: ExternalSecretView[] = [];
    let workloads: ReturnType<typeof judgePods>['workloads'] = [];
    let stale: typeof workloads = [];
    let consumers: string[] = [];
    if (isGap(esList)) {
      const state = esList.forbidden ? 'forbidden' : 'unreachable';
      hops.secret = { state, detail: esList.why };
      hops.pods = { state, detail: esList.why };
    } else {
      readers = readersOf.get(path) ?? [];
      const targets = new Map<ExternalSecretView, SecretRead>(
        await Promise.all(
          readers.map(async (es) => [es, await sources.secret(es.namespace, targetOf(es))] as const),
        ),
      );
      hops.secret = judgeSecret(path, readers, targets, vault, options.digest);
      if (readers.length === 0 && !policy)
        hops.secret = { state: 'unreachable', detail: 'no policy and no ExternalSecret reads it' };
      const found = new Map<ExternalSecretView, SecretView | undefined>(
        [...targets].map(([es, t]) => [es, 'digests' in t ? t : undefined]),
      );
      const pods = new Map(
        await Promise.all(
          [...new Set(readers.map((es) => es.namespace))].map(async (ns) => [ns, await podsIn(ns)] as const),
        ),
      );
      const verdict = judgePods(
        readers,
        found,
        (ns) => pods.get(ns)!,
        now(),
        options.kubeletSyncMs ?? KUBELET_SYNC_MS,
      );
      ({ workloads, stale, consumers } = verdict);
      hops.pods = verdict.hop;
    }
    if (sources.probe) hops.target = await sources.probe(path, policy, vault);
    const broken = firstBroken(hops);
    const brokenEs =
      broken === 'secret'
        ? (readers.find((es) => hops.secret.detail.includes(`${es.namespace}/`)) ?? readers[0])
        : undefined;
    const repair = broken
      ? repairFor(broken, {
          path,
          environment: options.environment,
          policy,
          externalSecret: brokenEs && { namespace: brokenEs.namespace, name: brokenEs.name },
          workloads: broken === 'pods' ? stale : workloads,
        })
      : undefined;
    return {
      secret_path: path,
      state: rowState(hops),
      hops,
      ...(broken ? { broken } : {}),
      ...(repair ? { repair } : {}),
      ...(vaultVerdict.age_seconds !== undefined ? { age_seconds: vaultVerdict.age_seconds } : {}),
      ...(vaultVerdict.overdue_seconds !== undefined
        ? { overdue_seconds: vaultVerdict.overdue_seconds }
        : {}),
      external_secrets: readers.map((es) => `${es.namespace}/${es.name}`),
      consumers,
    };
  }

  await Promise.all(Array.from({ length: Math.min(options.atOnce ?? CHECKS_AT_ONCE, paths.length) }, worker));
  return rows;
}
