import { z } from 'zod';
import { RotorError } from '../../errors.js';
import type { ActionContext } from '../types.js';
import { pause, rfc3339, stuckPod } from './common.js';
import type { KubePort, KubeRef, WorkloadKind, WorkloadState } from '../../ports/kubernetes-port.js';
import { rolloutStatus } from './rollout-state.js';

const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';

export const workloadKind = z.enum(['Deployment', 'StatefulSet']).default('Deployment');

/** Annotations that make Stakater Reloader restart a workload when its Secret changes. */
export function reloaderManaged(w: WorkloadState): boolean {
  const a = w.annotations;
  return (
    a['reloader.stakater.com/auto'] === 'true' ||
    Boolean(a['secret.reloader.stakater.com/reload']) ||
    a['secret.reloader.stakater.com/auto'] === 'true'
  );
}

const label = (w: { kind: string; namespace: string; name: string }) => `${w.kind} ${w.namespace}/${w.name}`;

/** What a follow needs besides the context. */
export interface FollowOptions {
  timeoutMs: number;
  pollMs: number;
  /** Called on each look with the rollout's progress. */
  onProgress?(updated: number, total: number, message: string): void;
}

/**
 * Polls until the rollout is complete as `kubectl rollout status` decides; a failed rollout or the
 * timeout throws naming the pod that holds it up and its reason.
 */
export async function followRollout(
  kube: KubePort,
  kind: WorkloadKind,
  ref: KubeRef,
  ctx: ActionContext,
  options: FollowOptions,
): Promise<WorkloadState> {
  const deadline = ctx.ports.clock.now() + options.timeoutMs;
  for (;;) {
    const w = await kube.getWorkload(kind, ref);
    const status = rolloutStatus(w);
    options.onProgress?.(status.updated, status.total, status.message);
    if (status.done) return w;
    if (status.failed || ctx.ports.clock.now() >= deadline) {
      const pod = await stuckPod(kube, w);
      const what =
        status.failed ??
        `the rollout did not finish within ${Math.round(options.timeoutMs / 1000)}s (${status.message})`;
      throw new RotorError(`${label(w)}: ${what}${pod ? `; ${pod}` : ''}`, {
        hint: 'the pods not yet replaced keep serving; look at the pod (kubectl describe pod / logs), fix the cause, then retry the step or roll back',
      });
    }
    await pause(ctx, options.pollMs);
  }
}

/** Restarts one workload as kubectl does, or waits for Reloader's restart, then follows it. */
export async function restartAndFollow(
  kube: KubePort,
  kind: WorkloadKind,
  ref: KubeRef,
  ctx: ActionContext,
  options: FollowOptions & { reloaderGraceMs: number },
): Promise<{ restartedAt?: string; byReloader: boolean; state: WorkloadState }> {
  const before = await kube.getWorkload(kind, ref);
  if (before.paused) {
    throw new RotorError(
      `${label(before)} is paused: kubectl refuses to restart a paused deployment, and so does rotor`,
      {
        hint: `resume it if the pause is not intended (kubectl rollout resume deployment/${ref.name} -n ${ref.namespace}), then retry`,
      },
    );
  }
  if (kind === 'StatefulSet' && before.strategy !== 'RollingUpdate') {
    throw new RotorError(
      `${label(before)} uses the ${before.strategy} update strategy: a restart would not replace its pods`,
      { hint: 'delete its pods one by one instead, or switch it to RollingUpdate' },
    );
  }
  if (reloaderManaged(before)) {
    // Reloader restarts it when the Secret changes; a second restart would only double the churn.
    if (!rolloutStatus(before).done) {
      ctx.log(`${label(before)} is managed by Reloader and already rolling out; following that rollout`);
      return { byReloader: true, state: await followRollout(kube, kind, ref, ctx, options) };
    }
    const until = ctx.ports.clock.now() + options.reloaderGraceMs;
    while (ctx.ports.clock.now() < until) {
      await pause(ctx, options.pollMs);
      const now = await kube.getWorkload(kind, ref);
      if (now.generation > before.generation) {
        ctx.log(`Reloader restarted ${label(now)}; following its rollout`);
        return { byReloader: true, state: await followRollout(kube, kind, ref, ctx, options) };
      }
    }
    ctx.log(
      `Reloader did not restart ${label(before)} within ${Math.round(options.reloaderGraceMs / 1000)}s; restarting it`,
    );
  }
  let restartedAt = rfc3339(ctx.ports.clock.now());
  // Two restarts within one second write the same value, which changes nothing: wait for the next second.
  if (before.templateAnnotations[RESTARTED_AT] === restartedAt) {
    await pause(ctx, 1000 - (ctx.ports.clock.now() % 1000));
    restartedAt = rfc3339(ctx.ports.clock.now());
  }
  await kube.restartWorkload(kind, ref, restartedAt);
  ctx.log(`${label(before)} restarted at ${restartedAt}`);
  return { restartedAt, byReloader: false, state: await followRollout(kube, kind, ref, ctx, options) };
}
