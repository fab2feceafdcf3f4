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
  /** `volume`: mounted as the guide does and read by the shell; `env`: a secretKeyRef, no shell. */
  tokenFrom: 'volume' | 'env';
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
  // The journal needs a writable place even on a read-only root filesystem; kubectl logs has the events.
  const volumes: Array<Record<string, unknown>> = [{ name: 'rotor-state', emptyDir: {} }];
  const env: Array<Record<string, unknown>> = [
    { name: 'VAULT_ADDR', value: o.vaultAddr },
    { name: 'ROTOR_HOME', value: STATE_DIR },
  ];
  let run: { command: string[]; args: string[] };
  if (o.tokenFrom === 'volume') {
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
