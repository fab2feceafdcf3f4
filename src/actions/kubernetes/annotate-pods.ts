import { z } from 'zod';
import { RotorError } from '../../errors.js';
import { need } from '../../ports/index.js';
import { defineAction } from '../types.js';
import { kubeName } from './common.js';

const annotateParams = z.object({
  namespace: kubeName,
  /** Label selector; empty means every pod of the namespace (the guide's `annotate pods … all`). */
  selector: z.string().default(''),
  annotations: z
    .record(z.string().min(1), z.string())
    .refine((a) => Object.keys(a).length > 0, 'give at least one annotation'),
});

/** Marks pods, e.g. `security-alert=true` during an emergency rotation. */
export const annotatePods = defineAction({
  id: 'kubernetes.annotate-pods',
  summary: 'Annotate the pods of a namespace (all, or those matching a label selector)',
  params: annotateParams,
  outputs: ['pods', 'count'],
  changes: true,
  class: 'safe',
  describe: (p) =>
    `annotate ${p.selector ? `pods matching ${p.selector}` : 'every pod'} in ${p.namespace} with ${Object.entries(
      p.annotations,
    )
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')}`,
  async run(p, ctx) {
    const kube = need(ctx.ports, 'kube');
    const pods = await kube.listPods(p.namespace, p.selector || undefined);
    if (!pods.length)
      throw new RotorError(
        `no pods ${p.selector ? `match ${p.selector} ` : ''}in namespace ${p.namespace} (${kube.where})`,
        { hint: 'check the namespace and selector inputs' },
      );
    for (const [i, pod] of pods.entries()) {
      await kube.annotate('Pod', { namespace: p.namespace, name: pod.name }, p.annotations);
      ctx.progress(i + 1, pods.length, `${i + 1}/${pods.length} pods annotated`);
    }
    return { pods: pods.map((pod) => pod.name), count: pods.length };
  },
  async undo(p, outputs, ctx) {
    const kube = need(ctx.ports, 'kube');
    const removal = Object.fromEntries(Object.keys(p.annotations).map((k) => [k, null]));
    const current = new Set(
      (await kube.listPods(p.namespace, p.selector || undefined)).map((pod) => pod.name),
    );
    // Pods replaced since then are gone with their annotations.
    for (const name of (outputs.pods as string[]).filter((n) => current.has(n)))
      await kube.annotate('Pod', { namespace: p.namespace, name }, removal);
  },
});
