/** What the rotation CronJob is made from; every field has the guide's value as its default. */
export interface CronJobOptions {
  name: string;
  namespace: string;
  schedule: string;
  serviceAccount: string;
  image: string;
  /** The environment rotor runs the due rotations in, inside the pod. */
  env: string;
  vaultAddr: string;
  /** The Secret holding the Vault token under the key `token` (the guide's vault-admin-token). */
  tokenSecret: string;
  /**
   * `kubernetes` (default): the pod's service-account token logs in to Vault's Kubernetes auth,
   * no static token anywhere; `volume`: a token Secret mounted as the guide does and read by the
   * shell; `env`: the same Secret as a secretKeyRef, no shell.
   */
  tokenFrom: 'kubernetes' | 'volume' | 'env';
  /** Kubernetes auth: the Vault role and the auth mount. */
  vaultRole: string;
  vaultAuthMount: string;
  /** The namespaces rotor touches: a Role and RoleBinding in each. */
  touches: string[];
  /** How many pods share the due policies (an Indexed Job when more than one). */
  parallelism: number;
  /** The PersistentVolumeClaim the journals live on, so a killed Job's session can be resumed. */
  journalClaim: string;
}

const TOKEN_DIR = '/etc/vault-token';
const STATE_DIR = '/var/lib/rotor';

/** `rotor run --due --yes --json --env <env>`: every due policy, headless, one JSON event a line for kubectl logs. */
export function rotorArgs(env: string): string[] {
  return ['run', '--due', '--yes', '--json', '--env', env];
}

/**
 * The guide's CronJob for automated rotation, running rotor instead of a shell script. The Vault
 * token never appears in the manifest: it comes from a Secret, as a file or an env reference.
 */
export function cronJobManifest(o: CronJobOptions): Record<string, unknown> {
  const volumeMounts: Array<Record<string, unknown>> = [{ name: 'rotor-state', mountPath: STATE_DIR }];
  // Journals and session keys outlive the pod on the claim: `rotor resume` after a killed Job
  // (kubectl run with the same claim mounted) finds the session where it stopped.
  const volumes: Array<Record<string, unknown>> = [
    { name: 'rotor-state', persistentVolumeClaim: { claimName: o.journalClaim } },
  ];
  const env: Array<Record<string, unknown>> = [
    { name: 'VAULT_ADDR', value: o.vaultAddr },
    { name: 'ROTOR_HOME', value: STATE_DIR },
  ];
  // Kubernetes sets JOB_COMPLETION_INDEX in an Indexed Job's pods, not the count: rotor needs both.
  if (o.parallelism > 1) env.push({ name: 'JOB_COMPLETIONS', value: String(o.parallelism) });
  let run: { command: string[]; args: string[] };
  if (o.tokenFrom === 'kubernetes') {
    env.push(
      { name: 'VAULT_K8S_ROLE', value: o.vaultRole },
      { name: 'VAULT_K8S_MOUNT', value: o.vaultAuthMount },
    );
    run = { command: ['rotor'], args: rotorArgs(o.env) };
  } else if (o.tokenFrom === 'volume') {
    volumeMounts.push({ name: 'vault-token', mountPath: TOKEN_DIR, readOnly: true });
    volumes.push({ name: 'vault-token', secret: { secretName: o.tokenSecret, defaultMode: 0o400 } });
    run = {
      command: ['/bin/sh', '-c'],
      args: [`export VAULT_TOKEN="$(cat ${TOKEN_DIR}/token)"\nexec rotor ${rotorArgs(o.env).join(' ')}\n`],
    };
  } else {
    env.push({ name: 'VAULT_TOKEN', valueFrom: { secretKeyRef: { name: o.tokenSecret, key: 'token' } } });
    run = { command: ['rotor'], args: rotorArgs(o.env) };
  }
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: {
      name: o.name,
      namespace: o.namespace,
      labels: { 'app.kubernetes.io/name': 'rotor', 'app.kubernetes.io/component': 'secret-rotation' },
    },
    spec: {
      schedule: o.schedule,
      // Two rotations of one secret at once would race on Vault's check-and-set and the targets.
      concurrencyPolicy: 'Forbid',
      jobTemplate: {
        spec: {
          // A failed run has rolled back, or needs an operator (exit 3): no blind retry; the policy
          // keeps the secret due for the next schedule.
          backoffLimit: 0,
          // N pods, each taking the due policies whose path hashes to its index (rotor run --due).
          ...(o.parallelism > 1
            ? { completionMode: 'Indexed', completions: o.parallelism, parallelism: o.parallelism }
            : {}),
          template: {
            metadata: {
              labels: { 'app.kubernetes.io/name': 'rotor', 'app.kubernetes.io/component': 'secret-rotation' },
            },
            spec: {
              serviceAccountName: o.serviceAccount,
              restartPolicy: 'OnFailure',
              containers: [
                {
                  name: 'rotate-secrets',
                  image: o.image,
                  ...run,
                  env,
                  volumeMounts,
                  securityContext: {
                    runAsNonRoot: true,
                    readOnlyRootFilesystem: true,
                    allowPrivilegeEscalation: false,
                  },
                },
              ],
              volumes,
            },
          },
        },
      },
    },
  };
}

/** The claim the journals live on: shared by every pod of an Indexed Job, so ReadWriteMany then. */
export function journalClaimManifest(o: CronJobOptions): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: {
      name: o.journalClaim,
      namespace: o.namespace,
      labels: { 'app.kubernetes.io/name': 'rotor', 'app.kubernetes.io/component': 'journals' },
    },
    spec: {
      accessModes: [o.parallelism > 1 ? 'ReadWriteMany' : 'ReadWriteOnce'],
      resources: { requests: { storage: '1Gi' } },
    },
  };
}
