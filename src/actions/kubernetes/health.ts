import { z } from 'zod';
import { RotorError } from '../../errors.js';
import { need } from '../../ports/index.js';
import { defineAction, type ActionDefinition } from '../types.js';
import { kubeName } from './common.js';

/**
 * The guide's `kubectl get externalsecret … -o yaml`, as a check: Ready True with SecretSynced,
 * and, when given, a refresh not older than the Vault version it should carry.
 */
export const externalSecretStatus = defineAction({
  id: 'kubernetes.external-secret-status',
  summary: 'Check that an ExternalSecret is Ready (SecretSynced), optionally refreshed after a given time',
  params: z.object({
    namespace: kubeName,
    name: kubeName,
    /** RFC 3339 (a Vault version's created_time): the last refresh must not be older. */
    synced_after: z.string().optional(),
  }),
  outputs: ['ready', 'reason', 'refresh_time', 'target_secret'],
  changes: false,
  class: 'safe',
  describe: (p) =>
    `check ExternalSecret ${p.namespace}/${p.name} is Ready${p.synced_after ? ` and refreshed after ${p.synced_after}` : ''}; changes nothing`,
  async run(p, ctx) {
    const kube = need(ctx.ports, 'kube');
    const es = await kube.getExternalSecret({ namespace: p.namespace, name: p.name });
    const ready = es.ready?.status === 'True' && es.ready.reason === 'SecretSynced';
    if (!ready) {
      const seen = es.ready
        ? `Ready ${es.ready.status}${es.ready.reason ? ` (${es.ready.reason})` : ''}${es.ready.message ? `: ${es.ready.message}` : ''}`
        : 'no Ready condition';
      throw new RotorError(`ExternalSecret ${p.namespace}/${p.name} is not synced: ${seen}`, {
        hint: 'look at the External Secrets controller logs and its access to Vault (the vault-recovery runbook forces a sync)',
      });
    }
    const after = p.synced_after ? Date.parse(p.synced_after) : NaN;
    // Refresh times have whole seconds; the Vault write has sub-second precision.
    if (
      !Number.isNaN(after) &&
      (!es.refreshTime || Date.parse(es.refreshTime) < Math.floor(after / 1000) * 1000)
    ) {
      throw new RotorError(
        `ExternalSecret ${p.namespace}/${p.name} last refreshed at ${es.refreshTime ?? 'never'}, before Vault's current version (${p.synced_after}): Secret ${es.targetSecret} still holds an older version`,
        {
          hint: 'force a sync (annotate force-sync=<now>, or the kubernetes.force-sync step) and restart the consumers',
        },
      );
    }
    ctx.log(
      `ExternalSecret ${p.namespace}/${p.name}: Ready, SecretSynced at ${es.refreshTime ?? '?'} → Secret ${es.targetSecret}`,
    );
    return {
      ready: true,
      reason: es.ready!.reason ?? '',
      refresh_time: es.refreshTime ?? '',
      target_secret: es.targetSecret,
    };
  },
});

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

export const kubernetesHealthActions: readonly ActionDefinition[] = [externalSecretStatus, podsReady];
