import { z } from 'zod';
import { need } from '../../ports/index.js';
import { defineAction } from '../types.js';
import { kubeName, pollMs, timeoutSeconds } from './common.js';
import { rolloutStatus } from './rollout-state.js';
import { workloadKind, restartAndFollow } from './follow-rollout.js';

const restartParams = z.object({
  namespace: kubeName,
  name: kubeName,
  kind: workloadKind,
  timeout_seconds: timeoutSeconds(300),
  poll_ms: pollMs,
  /** How long to wait for Reloader to start its own rollout before restarting. */
  reloader_grace_seconds: z.coerce.number().min(0).max(600).default(15),
});

/**
 * `kubernetes.rollout-restart`: Restart a Deployment or StatefulSet as `kubectl rollout restart`
 * does and follow the rollout.
 */
export const rolloutRestart = defineAction({
  id: 'kubernetes.rollout-restart',
  summary: 'Restart a Deployment or StatefulSet as `kubectl rollout restart` does and follow the rollout',
  params: restartParams,
  outputs: ['restarted_at', 'by_reloader', 'replicas'],
  changes: true,
  // Restarting again is harmless, so a crash mid-step simply runs it again; there is nothing to undo.
  class: 'safe',
  describe: (p) =>
    `restart ${p.kind} ${p.namespace}/${p.name} (pods replaced one by one) and wait up to ${p.timeout_seconds}s for the rollout`,
  async run(p, ctx) {
    const kube = need(ctx.ports, 'kube');
    const result = await restartAndFollow(kube, p.kind, { namespace: p.namespace, name: p.name }, ctx, {
      timeoutMs: p.timeout_seconds * 1000,
      pollMs: p.poll_ms,
      reloaderGraceMs: p.reloader_grace_seconds * 1000,
      onProgress: (updated, total, message) =>
        ctx.progress(updated, total, `${updated}/${total} pods updated · ${message}`),
    });
    ctx.log(rolloutStatus(result.state).message);
    return {
      restarted_at: result.restartedAt ?? null,
      by_reloader: result.byReloader,
      replicas: result.state.replicas,
    };
  },
});
