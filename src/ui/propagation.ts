import type { StepView, ViewState } from '../engine/view-state.js';

/** The state of one link of the propagation chain. */
export type LinkState = 'waiting' | 'active' | 'ok' | 'failed' | 'restored';

/** One link: Vault → ExternalSecret → Secret → pods → checks. */
export interface ChainLink {
  name: string;
  state: LinkState;
  detail: string;
}

const VAULT_READS = new Set(['vault.kv-snapshot']);
const VAULT_WRITES = new Set([
  'vault.kv-patch',
  'vault.kv-write',
  'vault.kv-promote',
  'vault.kv-rotate',
  'vault.kv-rotate-random',
  'vault.kv-restore',
]);
const SYNCS = new Set(['kubernetes.force-sync']);
const RESTARTS = new Set(['kubernetes.rollout-restart', 'kubernetes.restart-all']);

/** A set of steps as one link: failed if any failed, active if any runs, ok when all are done. */
function stateOf(steps: StepView[]): LinkState {
  if (steps.some((s) => s.status === 'failed' || s.status === 'undo-failed')) return 'failed';
  if (steps.some((s) => s.status === 'rolled-back')) return 'restored';
  if (steps.some((s) => s.status === 'running' || s.status === 'undoing')) return 'active';
  if (steps.length > 0 && steps.every((s) => s.status === 'succeeded' || s.status === 'skipped')) return 'ok';
  return 'waiting';
}

/**
 * The chain a rotation has to get through, derived from the steps' actions and outputs: Vault's
 * version moving, the ExternalSecret refreshing, the Kubernetes Secret's data hash, the pods on
 * the new template, the checks. Only links the runbook has are shown.
 */
export function propagationChain(state: ViewState): ChainLink[] {
  const all = Object.values(state.steps).filter((s) => s.status !== 'skipped' || s.parentId === undefined);
  const by = (set: Set<string>) => all.filter((s) => s.action && set.has(s.action));
  const links: ChainLink[] = [];
  const writes = by(VAULT_WRITES);
  if (writes.length) {
    const from = by(VAULT_READS).find((s) => typeof s.outputs?.version === 'number')?.outputs?.version;
    const to = [...writes].reverse().find((s) => typeof s.outputs?.version === 'number')?.outputs?.version;
    const count =
      writes.length > 1
        ? `${writes.filter((s) => s.status === 'succeeded').length}/${writes.length} written`
        : '';
    links.push({
      name: 'Vault',
      state: stateOf(writes),
      detail:
        count ||
        (from !== undefined && to !== undefined
          ? `v${from}→v${to}`
          : to !== undefined
            ? `v${to}`
            : from !== undefined
              ? `v${from}`
              : ''),
    });
  }
  const syncs = by(SYNCS);
  if (syncs.length) {
    const synced = syncs.filter((s) => s.status === 'succeeded');
    const hash = synced.map((s) => s.outputs?.data_hash).find((h) => typeof h === 'string') as
      string | undefined;
    // The mark says refreshed-and-Ready; the session's fingerprint of the data tells runs apart.
    links.push({ name: 'ExternalSecret', state: stateOf(syncs), detail: '' });
    links.push({
      name: 'Secret',
      state: stateOf(syncs),
      detail: hash ? `#${hash.replace(/^hmac:/, '').slice(0, 6)}` : '',
    });
  }
  const restarts = by(RESTARTS);
  if (restarts.length) {
    const progress = restarts.find((s) => s.status === 'running')?.progress;
    const replicas = restarts.map((s) => s.outputs?.replicas).find((r) => typeof r === 'number');
    links.push({
      name: 'pods',
      state: stateOf(restarts),
      detail: progress
        ? `${progress.done}/${progress.total}`
        : replicas !== undefined && stateOf(restarts) === 'ok'
          ? `${replicas}/${replicas}`
          : '',
    });
  }
  const checks = all.filter((s) => s.phase === 'verify' && s.parentId === undefined);
  if (checks.length) {
    const passed = checks.filter((s) => s.status === 'succeeded').length;
    links.push({ name: 'checks', state: stateOf(checks), detail: `${passed}/${checks.length}` });
  }
  return links;
}

export const LINK_MARK: Record<LinkState, string> = {
  waiting: '○',
  active: '◐',
  ok: '✔',
  failed: '✘',
  restored: '↺',
};
