import { z } from 'zod';
import { RotorError, describeError } from '../../errors.js';
import { flag, kubeName, pollMs, timeoutSeconds } from './common.js';
import { forceSync } from './force-sync.js';
import { defineAction } from '../types.js';
import { compose } from '../compose.js';

/** The action this composite is made of. */
const syncOne = compose(forceSync);

const params = z.object({
  namespace: kubeName,
  /** The ExternalSecrets, as a list or "a,b,c". */
  names: z.preprocess(
    (v) =>
      typeof v === 'string'
        ? v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : v,
    z.array(kubeName).min(1),
  ),
  timeout_seconds: timeoutSeconds(120),
  poll_ms: pollMs,
  /** After a rollback or a Vault recovery the data may well be what the Secret already holds. */
  expect_change: flag(false),
});

/**
 * kubernetes.force-sync over several ExternalSecrets at once, as one step. A fleet rotation's
 * after_rollback (which takes no parallel groups) and a Vault recovery both end with "every
 * ExternalSecret reads Vault again"; every name is tried, and the failures are named together.
 */
export const forceSyncAll = defineAction({
  id: 'kubernetes.force-sync-all',
  summary: 'Make External Secrets sync several ExternalSecrets now and wait until each Secret is synced',
  params,
  outputs: ['synced', 'count'],
  changes: true,
  class: 'safe',
  describe: (p) =>
    `annotate ${p.names.length} ExternalSecret(s) in ${p.namespace} force-sync=<now> (${p.names.join(', ')}) and wait up to ${p.timeout_seconds}s for each to sync`,
  async run(p, ctx) {
    const synced: string[] = [];
    const failed: string[] = [];
    await Promise.all(
      p.names.map(async (name) => {
        try {
          await syncOne.run(
            syncOne.params({
              namespace: p.namespace,
              name,
              timeout_seconds: p.timeout_seconds,
              poll_ms: p.poll_ms,
              expect_change: p.expect_change,
            }),
            { ...ctx, progress: () => undefined },
          );
          synced.push(name);
          ctx.progress(
            synced.length,
            p.names.length,
            `${synced.length}/${p.names.length} ExternalSecrets synced`,
          );
        } catch (error) {
          failed.push(`${name}: ${describeError(error).split('\n')[0]}`);
        }
      }),
    );
    if (failed.length) {
      throw new RotorError(
        `${failed.length} of ${p.names.length} ExternalSecret(s) did not sync: ${failed.join('; ')}`,
        {
          hint: `synced: ${synced.join(', ') || 'none'}. Check the External Secrets controller (namespace external-secrets) and its access to Vault, then retry`,
        },
      );
    }
    return { synced, count: synced.length };
  },
});
