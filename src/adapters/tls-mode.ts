import type { VaultConfig } from './vault-config.js';

/**
 * How a connection's server is authenticated, as the journal records it: a CA named for it, the
 * system's CAs, no verification at all, or no TLS. The last two let anyone on the path read the
 * token.
 */
export type TlsMode = 'verified-ca' | 'system-cas' | 'skip-verify' | 'plain-http';

/** Whether a mode lets a machine in the middle read or alter the traffic. */
export function isWeakTls(mode: TlsMode): boolean {
  return mode === 'skip-verify' || mode === 'plain-http';
}

/** The TLS mode of a resolved Vault configuration. */
export function vaultTlsMode(
  config: Pick<VaultConfig, 'address' | 'skipVerify' | 'caCertFile' | 'caCertPem'>,
): TlsMode {
  if (config.address.startsWith('http:')) return 'plain-http';
  if (config.skipVerify) return 'skip-verify';
  return config.caCertFile || config.caCertPem ? 'verified-ca' : 'system-cas';
}

/** The TLS mode of a kubeconfig cluster entry. */
export function clusterTlsMode(cluster: {
  server: string;
  skipTLSVerify?: boolean;
  caData?: string;
  caFile?: string;
}): TlsMode {
  if (cluster.server.startsWith('http:')) return 'plain-http';
  if (cluster.skipTLSVerify) return 'skip-verify';
  return cluster.caData || cluster.caFile ? 'verified-ca' : 'system-cas';
}
