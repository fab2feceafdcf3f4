import type { ActionDefinition } from './types.js';
import { applyCronJob } from './kubernetes-cronjob.js';
import { annotatePods, podLogs, secretHash } from './kubernetes-inspect.js';
import { restartAll } from './kubernetes-restart-all.js';
import { rolloutRestart } from './kubernetes-rollout.js';
import { forceSync } from './kubernetes-sync.js';

export { applyCronJob, annotatePods, podLogs, secretHash, restartAll, rolloutRestart, forceSync };

/** The Kubernetes step kinds: External Secrets sync, rolling restarts, checks, the rotation CronJob. */
export const kubernetesActions: readonly ActionDefinition[] = [
  forceSync,
  rolloutRestart,
  restartAll,
  annotatePods,
  secretHash,
  podLogs,
  applyCronJob,
];
