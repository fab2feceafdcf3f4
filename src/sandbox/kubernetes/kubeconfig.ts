import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The context name the sandbox's kubeconfig defines. */
export const SANDBOX_CONTEXT = 'rotor-sandbox';

/**
 * Writes a kubeconfig naming the emulator as context `rotor-sandbox`, readable by its owner only
 * (it holds the bearer token). Returns its path and how to remove what was created.
 */
export async function writeKubeconfig(options: {
  url: string;
  token: string;
  caPem: string;
  path?: string;
  namespace?: string;
}): Promise<{ path: string; remove(): Promise<void> }> {
  const dir = options.path ? undefined : await mkdtemp(join(tmpdir(), 'rotor-kube-'));
  const path = options.path ?? join(dir!, 'kubeconfig');
  // JSON is YAML: kubectl and @kubernetes/client-node read it either way.
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: SANDBOX_CONTEXT,
        cluster: {
          server: options.url,
          'certificate-authority-data': Buffer.from(options.caPem).toString('base64'),
        },
      },
    ],
    users: [{ name: SANDBOX_CONTEXT, user: { token: options.token } }],
    contexts: [
      {
        name: SANDBOX_CONTEXT,
        context: {
          cluster: SANDBOX_CONTEXT,
          user: SANDBOX_CONTEXT,
          namespace: options.namespace ?? 'harmonyflow-production',
        },
      },
    ],
    'current-context': SANDBOX_CONTEXT,
    preferences: {},
  };
  await writeFile(path, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  await chmod(path, 0o600);
  return {
    path,
    remove: async () => {
      await rm(dir ?? path, { recursive: true, force: true }).catch(() => undefined);
    },
  };
}
