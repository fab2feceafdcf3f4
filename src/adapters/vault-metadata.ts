import type { KvMetadata } from '../ports/vault-port.js';

// Its own file so the fast store reads (vault-store-reads.ts) use it without loading node-vault.
/** A metadata read's `data` as the port's KvMetadata. */
export function metadataOf(data: Record<string, any>): KvMetadata {
  const versions: KvMetadata['versions'] = {};
  for (const [n, v] of Object.entries((data.versions ?? {}) as Record<string, any>)) {
    versions[Number(n)] = {
      createdTime: String(v.created_time),
      deleted: v.deletion_time !== '' && Date.parse(v.deletion_time) <= Date.now(),
      destroyed: Boolean(v.destroyed),
    };
  }
  return {
    currentVersion: Number(data.current_version),
    oldestVersion: Number(data.oldest_version),
    casRequired: Boolean(data.cas_required),
    maxVersions: Number(data.max_versions),
    customMetadata: (data.custom_metadata as Record<string, string> | null) ?? null,
    versions,
  };
}
