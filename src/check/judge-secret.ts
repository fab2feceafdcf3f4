import type { Digest, ExternalSecretView, SecretView } from './cluster-view.js';
import { expectedDigests, mappingFor, readiness, targetOf } from './eso-mapping.js';
import { worstHop } from './hop-order.js';
import type { VaultRead } from './judge-vault.js';
import type { Hop } from './types.js';

/** A target Secret as read: found, absent, or not readable (and why). */
export type SecretRead = SecretView | { missing: true } | { error: 'forbidden' | 'unreachable'; why: string };

/**
 * The ExternalSecret hop: every ExternalSecret that reads the path is Ready, and the keys it maps
 * from the path hold Vault's current values in its target Secret. Values are compared as digests
 * under the run's key; only "same" or "differs" (and which keys) comes out.
 */
export function judgeSecret(
  path: string,
  readers: readonly ExternalSecretView[],
  targets: ReadonlyMap<ExternalSecretView, SecretRead>,
  vault: VaultRead,
  digest: Digest,
): Hop {
  if (readers.length === 0) return { state: 'none', detail: 'no ExternalSecret reads it' };
  const verdicts = readers.map((es) => judgeOne(es, path, targets.get(es), vault, digest));
  const synced = verdicts.every((v) => v.state === 'ok');
  return synced
    ? {
        state: 'ok',
        detail: verdicts.length === 1 ? verdicts[0].detail : `${verdicts.length} Secrets same as Vault`,
      }
    : worstHop(verdicts, verdicts[0]);
}

function judgeOne(
  es: ExternalSecretView,
  path: string,
  read: SecretRead | undefined,
  vault: VaultRead,
  digest: Digest,
): Hop {
  const name = `${es.namespace}/${es.name}`;
  const target = `${es.namespace}/${targetOf(es)}`;
  const ready = readiness(es);
  if (!ready.ready) return { state: 'drift', detail: `ExternalSecret ${name} not Ready: ${ready.why}` };
  if (!read || 'missing' in read) return { state: 'drift', detail: `Secret ${target} does not exist` };
  if ('error' in read) return { state: read.error, detail: `Secret ${target}: ${read.why}` };
  const mapping = mappingFor(es, path);
  if (mapping.kind === 'not-judged') return { state: 'not-judged', detail: mapping.why };
  if (vault.kind !== 'ok') return { state: 'not-judged', detail: 'Vault could not be read' };
  const expected = expectedDigests(mapping, vault.data, digest);
  if ('why' in expected) return { state: 'not-judged', detail: expected.why };
  if (expected.missing.length)
    return {
      state: 'drift',
      detail: `Vault v${vault.version} lacks ${expected.missing.join(', ')} that ${name} maps`,
    };
  const differs = Object.keys(expected.digests)
    .filter((k) => read.digests[k] !== expected.digests[k])
    .sort();
  if (differs.length)
    return {
      state: 'drift',
      detail: `Secret ${target} differs from Vault v${vault.version} (${differs.join(', ')})`,
      facts: { secret: target, differing_keys: differs.join(',') },
    };
  return {
    state: 'ok',
    detail: `Secret ${target} same as Vault v${vault.version}`,
    facts: { secret: target },
  };
}
