import { z } from 'zod';
import { RotorError } from '../../errors.js';
import { need } from '../../ports/index.js';
import { defineAction } from '../types.js';
import { kubeName } from './common.js';

/** The guide's first failure indicator: pods in CrashLoopBackOff, or not ready. */
export const podsReady = defineAction({
  id: 'kubernetes.pods-ready',
  summary: 'Check that every pod matching a selector is running and ready (no CrashLoopBackOff)',
  params: z.object({
    namespace: kubeName,
    selector: z.string().min(1),
    min_pods: z.coerce.number().int().min(0).default(1),
  }),
  outputs: ['pods', 'ready', 'restarts'],
  changes: false,
  class: 'safe',
  describe: (p) => `check the pods ${p.selector} in ${p.namespace} are all ready; changes nothing`,
  async run(p, ctx) {
    const kube = need(ctx.ports, 'kube');
    const pods = await kube.listPods(p.namespace, p.selector);
    if (pods.length < p.min_pods)
      throw new RotorError(
        `${pods.length} pod(s) match ${p.selector} in ${p.namespace}, expected at least ${p.min_pods} (${kube.where})`,
        { hint: "check the namespace and selector inputs, and the workload's replicas" },
      );
    const bad = pods.filter((pod) => !pod.ready || pod.reason);
    if (bad.length) {
      const first = bad[0];
      const why = first.reason
        ? `${first.reason}${first.message ? `: ${first.message}` : ''}`
        : `${first.phase}, not ready`;
      throw new RotorError(
        `${bad.length} of ${pods.length} pod(s) ${p.selector} in ${p.namespace} are not ready; ${first.name} is ${why}`,
        { hint: 'kubectl describe pod and its logs show why' },
      );
    }
    const restarts = pods.reduce((n, pod) => n + pod.restarts, 0);
    ctx.log(`${pods.length}/${pods.length} pods ready${restarts ? `, ${restarts} restart(s) in total` : ''}`);
    return { pods: pods.length, ready: pods.length, restarts };
  },
});
