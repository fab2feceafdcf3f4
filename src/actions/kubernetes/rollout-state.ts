import type { WorkloadState } from '../../ports/kubernetes-port.js';

/** Where a rollout stands, decided as `kubectl rollout status` decides. */
export interface RolloutStatus {
  done: boolean;
  /** Set when the rollout can no longer finish (progress deadline exceeded, unsupported strategy). */
  failed?: string;
  /** kubectl's waiting line. */
  message: string;
  updated: number;
  total: number;
}

/**
 * Deployment: done when observedGeneration ≥ generation, updated ≥ spec.replicas, no old pods
 * left and available ≥ updated; Progressing/ProgressDeadlineExceeded means failed. StatefulSet:
 * also readyReplicas, the partition, and updateRevision == currentRevision.
 */
export function rolloutStatus(w: WorkloadState): RolloutStatus {
  const { status } = w;
  const base = { updated: Math.min(status.updatedReplicas, w.replicas), total: w.replicas };
  const waiting = (message: string): RolloutStatus => ({ ...base, done: false, message });
  if (w.kind === 'Deployment') {
    if (w.generation > w.observedGeneration)
      return waiting('waiting for the deployment spec update to be observed');
    const progressing = w.conditions.find((c) => c.type === 'Progressing');
    if (progressing?.reason === 'ProgressDeadlineExceeded') {
      return {
        ...base,
        done: false,
        failed: `deployment "${w.name}" exceeded its progress deadline`,
        message: progressing.message ?? 'progress deadline exceeded',
      };
    }
    if (status.updatedReplicas < w.replicas)
      return waiting(`${status.updatedReplicas} out of ${w.replicas} new replicas have been updated`);
    if (status.replicas > status.updatedReplicas)
      return waiting(`${status.replicas - status.updatedReplicas} old replicas are pending termination`);
    if (status.availableReplicas < status.updatedReplicas)
      return waiting(
        `${status.availableReplicas} of ${status.updatedReplicas} updated replicas are available`,
      );
    return { ...base, done: true, message: `deployment "${w.name}" successfully rolled out` };
  }
  if (w.strategy !== 'RollingUpdate')
    return {
      ...base,
      done: false,
      failed: 'rollout status is only available for the RollingUpdate strategy type',
      message: `update strategy is ${w.strategy}`,
    };
  if (w.observedGeneration === 0 || w.generation > w.observedGeneration)
    return waiting('waiting for the statefulset spec update to be observed');
  if (status.readyReplicas < w.replicas)
    return waiting(`waiting for ${w.replicas - status.readyReplicas} pods to be ready`);
  const partition = w.partition ?? 0;
  if (partition > 0) {
    if (status.updatedReplicas < w.replicas - partition)
      return waiting(
        `waiting for partitioned roll out to finish: ${status.updatedReplicas} out of ${w.replicas - partition} new pods have been updated`,
      );
    return {
      ...base,
      done: true,
      message: `partitioned roll out complete: ${status.updatedReplicas} new pods have been updated`,
    };
  }
  if (status.updateRevision !== status.currentRevision)
    return waiting(
      `waiting for statefulset rolling update to complete ${status.updatedReplicas} pods at revision ${status.updateRevision}`,
    );
  return {
    ...base,
    done: true,
    message: `statefulset rolling update complete ${w.replicas} pods at revision ${status.updateRevision}`,
  };
}
