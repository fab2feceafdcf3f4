import type { Secret } from '../engine/secret.js';

/** A namespaced object, named by runbook inputs. */
export interface KubeRef {
  namespace: string;
  name: string;
}

/** The workloads rotor restarts. */
export type WorkloadKind = 'Deployment' | 'StatefulSet';

/** Kinds rotor annotates. */
export type AnnotatableKind = WorkloadKind | 'ExternalSecret' | 'Secret' | 'Pod';

/** A status condition, as the API reports it. */
export interface KubeCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastUpdateTime?: string;
}

/** What force-sync reads of an ExternalSecret (`external-secrets.io`). */
export interface ExternalSecretState {
  generation: number;
  annotations: Record<string, string>;
  /** As written in the spec ("1h", "0"). */
  refreshInterval: string;
  /** The Secret it writes (spec.target.name, or its own name). */
  targetSecret: string;
  refreshTime?: string;
  syncedResourceVersion?: string;
  ready?: KubeCondition;
}

/** A Secret described without its values: the adapter hashes the data and drops it. */
export interface SecretDigest {
  /**
   * sha256 hex over the sorted keys and their decoded bytes. Wrapped: an unkeyed hash of secret
   * data lets anyone holding it test guesses, so actions compare it and publish only the
   * session's fingerprint of it (`ctx.fingerprintOfDigest`).
   */
  hash: Secret;
  keys: string[];
  annotations: Record<string, string>;
  resourceVersion: string;
}

/** The fields `kubectl rollout status` decides on, with missing counts read as 0. */
export interface WorkloadState {
  kind: WorkloadKind;
  namespace: string;
  name: string;
  generation: number;
  observedGeneration: number;
  paused: boolean;
  /** spec.replicas */
  replicas: number;
  /** Deployment: RollingUpdate | Recreate; StatefulSet: RollingUpdate | OnDelete. */
  strategy: string;
  /** StatefulSet rollingUpdate.partition. */
  partition?: number;
  status: {
    replicas: number;
    updatedReplicas: number;
    readyReplicas: number;
    availableReplicas: number;
    currentRevision?: string;
    updateRevision?: string;
  };
  conditions: KubeCondition[];
  annotations: Record<string, string>;
  templateAnnotations: Record<string, string>;
  /** The pods' label selector (`a=b,c=d`). */
  selector: string;
}

/** A pod as the rollout and log steps look at it. */
export interface PodState {
  name: string;
  phase: string;
  ready: boolean;
  restarts: number;
  /** Why a container is not running: CrashLoopBackOff, ImagePullBackOff, CreateContainerConfigError… */
  reason?: string;
  /** The container's message or last termination message. */
  message?: string;
  labels: Record<string, string>;
  createdAt?: string;
}

/**
 * What kubernetes actions need from a Kubernetes client; implemented over @kubernetes/client-node
 * in src/adapters/kubernetes.ts. Errors are RotorErrors naming the context, namespace and object.
 * Secret values never cross this port: Secrets come back as digests.
 */
export interface KubePort {
  /** "context <name> (<host:port>)", for messages. */
  readonly where: string;
  /** Closes the connections kept alive for the session. */
  close?(): void;
  getExternalSecret(ref: KubeRef): Promise<ExternalSecretState>;
  /**
   * The newest Warning Event about an ExternalSecret (External Secrets puts a failed sync's detail
   * there, not in the Ready condition); null when there is none or Events cannot be read.
   */
  lastWarning?(ref: KubeRef): Promise<{ reason: string; message: string } | null>;
  /** Merge-patches annotations (null removes one). */
  annotate(kind: AnnotatableKind, ref: KubeRef, annotations: Record<string, string | null>): Promise<void>;
  /** The Secret's digest, or null when there is no such Secret (yet). */
  secretDigest(ref: KubeRef): Promise<SecretDigest | null>;
  getWorkload(kind: WorkloadKind, ref: KubeRef): Promise<WorkloadState>;
  /** Sets the pod template's `kubectl.kubernetes.io/restartedAt` by strategic merge patch, as kubectl does. */
  restartWorkload(kind: WorkloadKind, ref: KubeRef, restartedAt: string): Promise<void>;
  listWorkloads(namespace: string): Promise<Array<{ kind: WorkloadKind; name: string }>>;
  listPods(namespace: string, labelSelector?: string): Promise<PodState[]>;
  podLogs(ref: KubeRef, options: { tailLines?: number; container?: string }): Promise<string>;
  /** The CronJob as stored, or null when there is none. */
  getCronJob(ref: KubeRef): Promise<Record<string, unknown> | null>;
  createCronJob(namespace: string, manifest: Record<string, unknown>): Promise<void>;
  /** Replaces a CronJob; the manifest carries the resourceVersion it was read at. */
  replaceCronJob(namespace: string, manifest: Record<string, unknown>): Promise<void>;
  deleteCronJob(ref: KubeRef): Promise<void>;
}
