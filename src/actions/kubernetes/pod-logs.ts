import { z } from 'zod';
import { RotorError } from '../../errors.js';
import { need } from '../../ports/index.js';
import { defineAction } from '../types.js';
import { flag, kubeName } from './common.js';

const logParams = z.object({
  namespace: kubeName,
  /** Label selector of the pods to read (`app=session-state-service`), or give `pod`. */
  selector: z.string().optional(),
  pod: kubeName.optional(),
  container: z.string().optional(),
  /** Lines per pod, as `kubectl logs --tail`. */
  tail: z.coerce.number().int().min(1).max(10_000).default(100),
  /** At least one line must match (e.g. `jwt`). */
  pattern: z.string().optional(),
  /** No line may match (e.g. `error|invalid signature`). */
  error_pattern: z.string().optional(),
  ignore_case: flag(true),
});

const MAX_SHOWN = 5;

/** The guide's `kubectl logs … --tail=100 | grep -i jwt` and `| grep -i error`, as a check. */
export const podLogs = defineAction({
  id: 'kubernetes.pod-logs',
  summary: 'Read the tail of pod logs; require a pattern, fail on an error pattern',
  params: logParams.refine((p) => Boolean(p.selector) !== Boolean(p.pod), 'give either selector or pod'),
  outputs: ['pods', 'matches', 'errors', 'lines'],
  changes: false,
  class: 'safe',
  describe: (p) =>
    `read the last ${p.tail} log lines of ${p.pod ? `pod ${p.namespace}/${p.pod}` : `pods ${p.selector} in ${p.namespace}`}${p.pattern ? `, expecting /${p.pattern}/` : ''}${p.error_pattern ? `, failing on /${p.error_pattern}/` : ''}; changes nothing`,
  async run(p, ctx) {
    const kube = need(ctx.ports, 'kube');
    const flags = p.ignore_case ? 'i' : '';
    let want: RegExp | undefined;
    let bad: RegExp | undefined;
    try {
      want = p.pattern ? new RegExp(p.pattern, flags) : undefined;
      bad = p.error_pattern ? new RegExp(p.error_pattern, flags) : undefined;
    } catch (error) {
      throw new RotorError(`invalid pattern: ${(error as Error).message}`, {
        hint: 'patterns are JavaScript regular expressions',
      });
    }
    const names = p.pod ? [p.pod] : (await kube.listPods(p.namespace, p.selector)).map((pod) => pod.name);
    if (!names.length)
      throw new RotorError(`no pods match ${p.selector} in namespace ${p.namespace} (${kube.where})`, {
        hint: 'check the namespace and selector inputs',
      });
    let lines = 0;
    const matches: string[] = [];
    const errors: string[] = [];
    for (const name of names) {
      const text = await kube.podLogs(
        { namespace: p.namespace, name },
        { tailLines: p.tail, container: p.container },
      );
      for (const line of text.split('\n').filter(Boolean)) {
        lines++;
        if (want?.test(line)) matches.push(`${name}: ${line}`);
        if (bad?.test(line)) errors.push(`${name}: ${line}`);
      }
    }
    for (const line of matches.slice(0, MAX_SHOWN)) ctx.log(line.slice(0, 300));
    if (errors.length) {
      throw new RotorError(
        `${errors.length} log line(s) in ${names.length} pod(s) match /${p.error_pattern}/; first: ${errors[0].slice(0, 300)}`,
        { hint: 'look at the full logs; a rollback may be needed' },
      );
    }
    if (want && !matches.length) {
      throw new RotorError(
        `no line in the last ${p.tail} log lines of ${names.length} pod(s) matches /${p.pattern}/`,
        { hint: 'has the service started with the new configuration? Look at its logs' },
      );
    }
    return { pods: names, matches: matches.length, errors: errors.length, lines };
  },
});
