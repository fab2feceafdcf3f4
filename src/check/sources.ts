import type { Policy } from '../policy/policy.js';
import type { ExternalSecretView, PodView } from './cluster-view.js';
import type { SecretRead } from './judge-secret.js';
import type { VaultRead } from './judge-vault.js';
import type { Hop } from './types.js';

/** A read the cluster refused or could not answer. */
export interface ClusterGap {
  why: string;
  forbidden?: boolean;
}

/** The policies of the environment and each secret's last successful rotation. */
export interface PolicyFacts {
  policies: readonly Policy[];
  lastSuccess: ReadonlyMap<string, Date>;
}

/**
 * What `rotor check` reads, and nothing else: no method writes. The command wires it to Vault and
 * Kubernetes (src/commands/check-sources.ts); tests wire it to the emulators.
 */
export interface CheckSources {
  policies(): Promise<PolicyFacts>;
  /** The path's current version and data (kept in memory, compared as digests). */
  readVault(path: string): Promise<VaultRead>;
  externalSecrets(): Promise<readonly ExternalSecretView[] | ClusterGap>;
  secret(namespace: string, name: string): Promise<SecretRead>;
  pods(namespace: string): Promise<readonly PodView[] | ClusterGap>;
  /** `--probe`: whether the target accepts what Vault holds, read-only; absent without --probe. */
  probe?(path: string, policy: Policy | undefined, vault: VaultRead): Promise<Hop>;
}
