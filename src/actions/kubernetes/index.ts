import type { ActionDefinition } from '../types.js';
import { applyCronJob } from './apply-cronjob.js';
import { annotatePods, podLogs, secretHash } from './inspect.js';
import { restartAll } from './restart-all.js';
import { rolloutRestart } from './rollout-restart.js';
import { forceSync } from './force-sync.js';

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
