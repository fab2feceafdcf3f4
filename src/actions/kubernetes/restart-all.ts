import { z } from 'zod';
import { RotorError, describeError } from '../../errors.js';
import { need } from '../../ports/index.js';
import { defineAction } from '../types.js';
import { kubeName, pollMs, timeoutSeconds } from './common.js';
import type { WorkloadKind } from '../../ports/kubernetes-port.js';
import { restartAndFollow } from './follow-rollout.js';

const listOf = (item: z.ZodString) =>
  z.union([
    z.array(item).min(1),
    z
      .string()
      .min(1)
      .transform((s) =>
        s
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean),
      ),
  ]);

const params = z.object({
  /** Namespaces whose every Deployment and StatefulSet restarts (a list, or "a,b"). */
  namespaces: listOf(kubeName),
  kinds: z
    .array(z.enum(['Deployment', 'StatefulSet']))
    .min(1)
    .default(['Deployment', 'StatefulSet']),
  /** How many rollouts run at once. */
  concurrency: z.coerce.number().int().min(1).max(20).default(2),
  /** Per workload. */
  timeout_seconds: timeoutSeconds(600),
  poll_ms: pollMs,
  reloader_grace_seconds: z.coerce.number().min(0).max(600).default(15),
});

/** `kubectl rollout restart deployment --all` (and statefulsets) across namespaces, a few at a time. */
export const restartAll = defineAction({
  id: 'kubernetes.restart-all',
  summary:
    'Restart every Deployment and StatefulSet of some namespaces, a few at a time, following each rollout',
  params,
  outputs: ['restarted', 'count'],
  changes: true,
  class: 'safe',
  describe: (p) =>
    `restart every ${p.kinds.join(' and ')} in ${p.namespaces.join(', ')}, ${p.concurrency} at a time, each within ${p.timeout_seconds}s`,
  async run(p, ctx) {
    const kube = need(ctx.ports, 'kube');
    const queue: Array<{ kind: WorkloadKind; namespace: string; name: string }> = [];
    for (const namespace of p.namespaces) {
      for (const w of await kube.listWorkloads(namespace))
        if (p.kinds.includes(w.kind)) queue.push({ ...w, namespace });
    }
    if (!queue.length)
      throw new RotorError(`no ${p.kinds.join(' or ')} in ${p.namespaces.join(', ')} (${kube.where})`, {
        hint: 'check the namespaces input',
      });
    const done: string[] = [];
    const failed: string[] = [];
    let next = 0;
    ctx.progress(0, queue.length, `0/${queue.length} workloads restarted`);
    // After a failure no new rollout starts: the rest stay untouched for the operator to decide.
    const worker = async () => {
      while (next < queue.length && !failed.length) {
        const w = queue[next++];
        const id = `${w.kind} ${w.namespace}/${w.name}`;
        try {
          await restartAndFollow(kube, w.kind, w, ctx, {
            timeoutMs: p.timeout_seconds * 1000,
            pollMs: p.poll_ms,
            reloaderGraceMs: p.reloader_grace_seconds * 1000,
          });
          done.push(id);
          ctx.log(`${id} rolled out`);
          ctx.progress(done.length, queue.length, `${done.length}/${queue.length} workloads restarted`);
        } catch (error) {
          failed.push(`${id}: ${describeError(error).split('\n')[0]}`);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(p.concurrency, queue.length) }, worker));
    if (failed.length) {
      const untouched = queue.slice(next).map((w) => `${w.kind} ${w.namespace}/${w.name}`);
      throw new RotorError(`${failed.length} rollout(s) failed: ${failed.join('; ')}`, {
        hint: `rolled out: ${done.join(', ') || 'none'}; not started: ${untouched.join(', ') || 'none'}. Fix the failing workload, then retry the step`,
      });
    }
    return { restarted: done, count: done.length };
  },
});
