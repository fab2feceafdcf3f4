import { z } from 'zod';
import { RotorError } from '../../errors.js';
import { need } from '../../ports/index.js';
import { defineAction } from '../types.js';
import { flag, kubeName } from './common.js';
import { DATA_HASH_ANNOTATION } from './force-sync.js';

const hashParams = z.object({
  namespace: kubeName,
  name: kubeName,
  /** Keys the Secret must have (names only, never values). */
  expect_keys: z.array(z.string().min(1)).default([]),
});

/** A Secret's data as a hash, to compare before and after a rotation without ever showing it. */
export const secretHash = defineAction({
  id: 'kubernetes.secret-hash',
  summary: "Hash a Secret's data (never shows it) and check which keys it has",
  params: hashParams,
  outputs: ['hash', 'keys', 'eso_data_hash', 'resource_version'],
  changes: false,
  class: 'safe',
  describe: (p) =>
    `hash the data of Secret ${p.namespace}/${p.name}${p.expect_keys.length ? ` and check it has ${p.expect_keys.join(', ')}` : ''}; changes nothing`,
  async run(p, ctx) {
    const kube = need(ctx.ports, 'kube');
    const digest = await kube.secretDigest({ namespace: p.namespace, name: p.name });
    if (!digest)
      throw new RotorError(`Secret ${p.namespace}/${p.name} does not exist (${kube.where})`, {
        hint: 'has its ExternalSecret synced? Check the name input',
      });
    const missing = p.expect_keys.filter((k) => !digest.keys.includes(k));
    if (missing.length)
      throw new RotorError(
        `Secret ${p.namespace}/${p.name} lacks the key(s) ${missing.join(', ')}; it has ${digest.keys.join(', ') || 'none'}`,
        { hint: 'check the ExternalSecret mapping and the Vault secret' },
      );
    const hash = ctx.fingerprintOfDigest(digest.hash.reveal());
    ctx.log(`Secret ${p.namespace}/${p.name}: ${digest.keys.length} keys, data ${hash}`);
    // External Secrets' annotation is an unkeyed hash of the same data: published keyed too.
    const esoHash = digest.annotations[DATA_HASH_ANNOTATION];
    return {
      hash,
      keys: digest.keys,
      eso_data_hash: esoHash ? ctx.fingerprint(esoHash) : null,
      resource_version: digest.resourceVersion,
    };
  },
});

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
