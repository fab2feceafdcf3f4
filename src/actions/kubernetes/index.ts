import type { ActionDefinition } from '../types.js';
import { annotatePods } from './annotate-pods.js';
import { applyCronJob } from './apply-cronjob.js';
import { externalSecretStatus } from './external-secret-status.js';
import { forceSync } from './force-sync.js';
import { forceSyncAll } from './force-sync-all.js';
import { podLogs } from './pod-logs.js';
import { podsReady } from './pods-ready.js';
import { restartAll } from './restart-all.js';
import { rolloutRestart } from './rollout-restart.js';
import { secretHash } from './secret-hash.js';

/**
 * The `kubernetes.*` step kinds: External Secrets sync, rolling restarts, checks, the rotation
 * CronJob. A new one gets its own file, named after its id, and a line here.
 */
export const kubernetesActions: readonly ActionDefinition[] = [
  forceSync,
  rolloutRestart,
  restartAll,
  annotatePods,
  secretHash,
  podLogs,
  applyCronJob,
  forceSyncAll,
  externalSecretStatus,
  podsReady,
];
