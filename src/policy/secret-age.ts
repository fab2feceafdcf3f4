import { isVaultError, type KvLocation, type KvMetadata, type VaultPort } from '../ports/vault-port.js';

/**
 * What Vault says about a policy's secret, for a policy with no rotation recorded: when its current
 * version was written (due computation counts from there, as AWS Secrets Manager and Vault's static
 * roles count from the value in place, not from when rotation was switched on), that it does not
 * exist, or that its age could not be learnt (then rotor counts from the policy's creation).
 */
export type SecretAge =
  | { kind: 'written'; created_time: string; version: number }
  | { kind: 'missing'; why: string }
  | { kind: 'unknown'; why: string };

/** The Vault call age reading makes: metadata only, never a secret's data. */
export type SecretMetadataReader = Pick<VaultPort, 'kvMetadata'>;

/** Policies name a path in the `secret` KV v2 mount (normalizeSecretPath). */
export function secretLocation(secretPath: string): KvLocation {
  return { mount: 'secret', path: secretPath };
}

/** A secret's age from its KV metadata (null: nothing at the path). */
export function secretAgeOf(at: KvLocation, meta: KvMetadata | null): SecretAge {
  const name = `${at.mount}/${at.path}`;
  if (!meta || meta.currentVersion === 0) return { kind: 'missing', why: `nothing at ${name}` };
  const current = meta.versions[meta.currentVersion];
  if (!current) return { kind: 'missing', why: `version ${meta.currentVersion} of ${name} is gone` };
  if (current.destroyed || current.deleted)
    return {
      kind: 'missing',
      why: `the current version (${meta.currentVersion}) of ${name} is ${current.destroyed ? 'destroyed' : 'deleted'}`,
    };
  // Vault writes nanoseconds (…:33.497000000Z); rotor's times are ISO 8601 with milliseconds.
  const created = new Date(current.createdTime);
  if (Number.isNaN(created.getTime()))
    return {
      kind: 'unknown',
      why: `Vault gave no creation time for version ${meta.currentVersion} of ${name}`,
    };
  return { kind: 'written', created_time: created.toISOString(), version: meta.currentVersion };
}

/** Metadata reads in flight at once: enough to hide a network's latency, few enough to spare Vault. */
export const AGE_READS_AT_ONCE = 16;

/**
 * The ages of some secrets, read with at most `atOnce` metadata requests in flight. A read that
 * fails (forbidden, unreachable) gives an `unknown` age naming why, never a failed report.
 */
export async function readSecretAges(
  vault: SecretMetadataReader,
  paths: readonly string[],
  atOnce = AGE_READS_AT_ONCE,
): Promise<Map<string, SecretAge>> {
  const ages = new Map<string, SecretAge>();
  let next = 0;
  const worker = async () => {
    while (next < paths.length) {
      const path = paths[next++];
      const at = secretLocation(path);
      try {
        ages.set(path, secretAgeOf(at, await vault.kvMetadata(at)));
      } catch (error) {
        const why = isVaultError(error) ? error.message : 'the metadata read failed';
        ages.set(path, { kind: 'unknown', why });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(atOnce, paths.length) }, worker));
  return ages;
}
