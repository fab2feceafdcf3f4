import { z } from 'zod';
import type { ActionContext } from '../types.js';
import type { KubePort, PodState, WorkloadState } from '../../ports/kubernetes-port.js';

/** A Kubernetes object name or namespace (runbook inputs supply them). */
export const kubeName = z.string().min(1).max(253);

/** A yes/no parameter; templates hand over "true"/"false" strings, which z.coerce would both read as true. */
export const flag = (fallback: boolean) =>
  z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]).default(fallback);

/** How often to look again while waiting; tests pass a few ms. */
export const pollMs = z.coerce.number().int().min(10).max(60_000).default(1000);

export const timeoutSeconds = (fallback: number) =>
  z.coerce
    .number()
    .positive()
    .max(24 * 3600)
    .default(fallback);

/** RFC 3339 with seconds, as kubectl writes restartedAt and as metav1.Time serialises. */
export function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** Sleeps with the injected clock, so tests and the engine's cancellation both apply. */
export function pause(ctx: ActionContext, ms: number): Promise<void> {
  return ctx.ports.clock.sleep(ms, ctx.signal);
}

const severity = (p: PodState) => (p.reason ? 0 : p.phase === 'Pending' ? 1 : 2);

/** The pod that holds a rollout up, and why, as an operator would look for it with `kubectl get pods`. */
export async function stuckPod(kube: KubePort, w: WorkloadState): Promise<string | undefined> {
  const pods = await kube.listPods(w.namespace, w.selector || undefined).catch(() => []);
  const unready = pods.filter((p) => !p.ready).sort((a, b) => severity(a) - severity(b));
  const pod = unready[0];
  if (!pod) return undefined;
  const why = pod.reason
    ? `${pod.reason}${pod.message ? `: ${pod.message}` : ''}`
    : `${pod.phase}, not ready`;
  return `pod ${pod.name} is ${why}${pod.restarts ? ` (${pod.restarts} restarts)` : ''}`;
}
