import { z } from 'zod';
import { RotorError } from '../../errors.js';
import { need } from '../../ports/index.js';
import { defineAction } from '../types.js';
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
