import { z } from 'zod';
import { RotorError } from '../../errors.js';
import { need } from '../../ports/index.js';
import { defineAction } from '../types.js';
import { flag, kubeName, pause, pollMs, rfc3339, timeoutSeconds } from './common.js';
import type { ExternalSecretState, SecretDigest } from '../../ports/kubernetes-port.js';
import type { Fingerprints } from '../types.js';

/** The annotation External Secrets writes on its target Secret: a hash of the data it wrote. */
export const DATA_HASH_ANNOTATION = 'reconcile.external-secrets.io/data-hash';

const params = z.object({
  namespace: kubeName,
  /** The ExternalSecret. */
  name: kubeName,
  timeout_seconds: timeoutSeconds(120),
  poll_ms: pollMs,
  /** Fail when the Secret's data did not change (the usual case right after a Vault write). */
  expect_change: flag(true),
});

function isZeroInterval(interval: string): boolean {
  return (
    /^0+(\.0+)?(ns|us|µs|ms|s|m|h)?$/.test(interval.trim()) ||
    /^(0+(ns|us|µs|ms|s|m|h))+$/.test(interval.trim())
  );
}

/** The session's name for a Secret's data: its digest itself never leaves rotor's memory. */
function dataName(secret: SecretDigest, names: Fingerprints): string {
  return names.fingerprintOfDigest(secret.hash.reveal());
}

function seen(
  es: ExternalSecretState,
  secret: SecretDigest | null,
  target: string,
  names: Fingerprints,
): string {
  const ready = es.ready
    ? `Ready ${es.ready.status}${es.ready.reason ? ` ${es.ready.reason}` : ''}${es.ready.message ? `: ${es.ready.message}` : ''}`
    : 'no Ready condition';
  const data = secret ? `Secret ${target} data ${dataName(secret, names)}` : `Secret ${target} absent`;
  return `refreshTime ${es.refreshTime ?? 'never'}, ${ready}, ${data}`;
}

/**
 * Annotates `force-sync=<unix time>` (any annotation change makes External Secrets refresh) and
 * waits until it has: refreshTime not before the trigger, a new syncedResourceVersion, Ready
 * True/SecretSynced, and the Secret carrying the data it wrote. The sync read Vault after the
 * trigger, which came after the Vault write, so the Secret now holds Vault's current version;
 * its data is compared by digest in memory and published only as the session's fingerprint.
 */
export const forceSync = defineAction({
  id: 'kubernetes.force-sync',
  summary: 'Make External Secrets sync an ExternalSecret now and wait until its Secret holds the new data',
  params,
  outputs: ['data_hash', 'previous_hash', 'changed', 'target_secret', 'refresh_time', 'triggered_at'],
  changes: true,
  // Annotating again triggers one more read of Vault, nothing else.
  class: 'safe',
  describe: (p) =>
    `annotate ExternalSecret ${p.namespace}/${p.name} force-sync=<now> and wait up to ${p.timeout_seconds}s until its Secret is synced${p.expect_change ? ' with changed data' : ''}`,
  async run(p, ctx) {
    const kube = need(ctx.ports, 'kube');
    const ref = { namespace: p.namespace, name: p.name };
    const before = await kube.getExternalSecret(ref);
    const target = { namespace: p.namespace, name: before.targetSecret };
    if (isZeroInterval(before.refreshInterval) && before.syncedResourceVersion) {
      throw new RotorError(
        `ExternalSecret ${p.namespace}/${p.name} has refreshInterval 0 and has synced once: External Secrets will not refresh it for an annotation`,
        {
          hint: 'give it a refreshInterval (the guide uses 1h), then run this step again',
        },
      );
    }
    const previous = await kube.secretDigest(target);
    let trigger = Math.floor(ctx.ports.clock.now() / 1000);
    // External Secrets refreshes only when the labels and annotations differ from those it last
    // synced, not from those it sees now. The same value twice is no change; and a value from the
    // second of its last refresh may be the one it synced then, if another writer (a killed run's
    // request landing late) has changed force-sync since and the controller has not caught up:
    // annotating it would restore the synced state, and nothing would refresh. No value from a
    // later second has been synced yet, so wait for one (a cluster clock far ahead is not waited for).
    const lastRefresh = before.refreshTime ? Math.floor(Date.parse(before.refreshTime) / 1000) : NaN;
    while (
      before.annotations['force-sync'] === String(trigger) ||
      (trigger <= lastRefresh && lastRefresh - trigger < 3)
    ) {
      await pause(ctx, 1000 - (ctx.ports.clock.now() % 1000));
      trigger = Math.floor(ctx.ports.clock.now() / 1000);
    }
    await kube.annotate('ExternalSecret', ref, { 'force-sync': String(trigger) });
    ctx.log(`annotated ExternalSecret ${p.namespace}/${p.name} force-sync=${trigger}`);
    ctx.progress(1, 3, 'sync requested');

    const deadline = ctx.ports.clock.now() + p.timeout_seconds * 1000;
    for (;;) {
      const es = await kube.getExternalSecret(ref);
      const secret = await kube.secretDigest(target);
      const refreshed =
        es.syncedResourceVersion !== before.syncedResourceVersion &&
        es.refreshTime !== undefined &&
        Date.parse(es.refreshTime) >= trigger * 1000;
      const ready = es.ready?.status === 'True' && es.ready.reason === 'SecretSynced';
      if (refreshed && ready && secret && secret.annotations[DATA_HASH_ANNOTATION]) {
        ctx.progress(2, 3, 'synced');
        const changed = secret.hash.reveal() !== previous?.hash.reveal();
        if (p.expect_change && !changed && ctx.rerun) {
          // The interrupted run may have synced the new data already: unchanged is expected then.
          ctx.log(
            `Secret ${target.name} data unchanged by this sync: the interrupted run had synced it already`,
          );
        } else if (p.expect_change && !changed) {
          throw new RotorError(
            `ExternalSecret ${p.namespace}/${p.name} synced at ${es.refreshTime}, but Secret ${target.name} holds the same data as before`,
            {
              hint: 'Vault still holds the old value, or the ExternalSecret reads another path: check the Vault step and spec.data/dataFrom of the ExternalSecret',
            },
          );
        }
        ctx.progress(3, 3, changed ? 'Secret updated' : 'Secret synced');
        ctx.log(
          `Secret ${p.namespace}/${target.name} synced at ${es.refreshTime}; data ${changed ? 'changed' : 'unchanged'}`,
        );
        return {
          data_hash: dataName(secret, ctx),
          previous_hash: previous ? dataName(previous, ctx) : null,
          changed,
          target_secret: target.name,
          refresh_time: es.refreshTime,
          triggered_at: rfc3339(trigger * 1000),
        };
      }
      if (ctx.ports.clock.now() >= deadline) {
        const warning = es.ready?.status === 'False' ? await kube.lastWarning?.(ref) : null;
        const detail = warning ? `; last Warning ${warning.reason}: ${warning.message}` : '';
        throw new RotorError(
          `ExternalSecret ${p.namespace}/${p.name} did not sync within ${p.timeout_seconds}s of force-sync=${trigger} (${rfc3339(trigger * 1000)}); last seen: ${seen(es, secret, target.name, ctx)}${detail}`,
          {
            hint: 'check the External Secrets controller (its pods and logs in namespace external-secrets) and its SecretStore access to Vault',
          },
        );
      }
      await pause(ctx, p.poll_ms);
    }
  },
});
