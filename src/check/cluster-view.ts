/**
 * What `rotor check` reads of a cluster, as plain data. The adapter (src/adapters/kubernetes-check.ts)
 * fills these in; a Secret's values never arrive here, only keyed digests of them.
 */

/** An ExternalSecret as the API returns it (spec and status are read by eso-mapping.ts). */
export interface ExternalSecretView {
  namespace: string;
  name: string;
  spec: unknown;
  status: unknown;
}

/** A Secret without its values: per key, a keyed digest of the decoded bytes. */
export interface SecretView {
  namespace: string;
  name: string;
  /** key → HMAC (the run's own key) of the key's decoded value. */
  digests: Record<string, string>;
  /** Every `metadata.managedFields[].time`. */
  managedTimes: string[];
  creationTimestamp?: string;
}

/** A pod: its spec (for the Secrets it reads), when it and its containers started, and its owner. */
export interface PodView {
  namespace: string;
  name: string;
  spec: unknown;
  /** `status.startTime`. */
  startTime?: string;
  /** `status.containerStatuses[].state.running.startedAt`, one per running container. */
  containerStarts: string[];
  creationTimestamp?: string;
  /** `metadata.ownerReferences[]` with controller true. */
  owner?: { kind: string; name: string };
}

/** A digest of one value under the run's key: the only form in which values are compared. */
export type Digest = (value: string | Uint8Array) => string;
