import { rotorArgs, type CronJobOptions } from './cronjob-manifest.js';

/** `rotor check --json --env <env>`: every secret, one JSON object per row in the Job's log. */
export function checkArgs(env: string): string[] {
  return ['check', '--json', '--env', env];
}

/** The defaults that differ from the rotation CronJob: its own name and a schedule of its own. */
export const CHECK_CRONJOB_DEFAULTS = { name: 'secret-check', schedule: '*/15 * * * *' } as const;

type Obj = Record<string, any>;

/**
 * The rotation CronJob turned into one that runs `rotor check`: same image, token and service
 * account. Exit 1 (drift or overdue) and 2 (bad usage) are findings, not flakes: a
 * podFailurePolicy fails the Job at once on them, so nothing retries and the failed Job is the
 * alert; exit 3 (some rows unreachable) counts against a small backoffLimit, as a network blip
 * may clear; a pod evicted or preempted is not counted.
 */
export function checkCronJob(rotation: Record<string, unknown>, o: CronJobOptions): Record<string, unknown> {
  const manifest = structuredClone(rotation) as Obj;
  const labels = { 'app.kubernetes.io/name': 'rotor', 'app.kubernetes.io/component': 'secret-check' };
  manifest.metadata.labels = labels;
  const job = manifest.spec.jobTemplate.spec;
  job.backoffLimit = 2;
  job.podFailurePolicy = {
    rules: [
      { action: 'FailJob', onExitCodes: { containerName: 'check-secrets', operator: 'In', values: [1, 2] } },
      { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] },
    ],
  };
  // A podFailurePolicy needs restartPolicy Never (the kubelet must not restart the container itself).
  job.template.spec.restartPolicy = 'Never';
  job.template.metadata.labels = labels;
  const container = job.template.spec.containers[0];
  container.name = 'check-secrets';
  const rotate = `rotor ${rotorArgs(o.env).join(' ')}`;
  if (container.command[0] === 'rotor') container.args = checkArgs(o.env);
  else
    container.args = container.args.map((a: string) =>
      a.replace(rotate, `rotor ${checkArgs(o.env).join(' ')}`),
    );
  return manifest;
}
