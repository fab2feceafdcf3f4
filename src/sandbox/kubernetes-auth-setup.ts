import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import type { KubeEmulator } from './kubernetes/index.js';
import type { VaultEmulator } from './vault/index.js';

/** The policy the sandbox's `rotor` role gets: what rotor's runbooks and policies need (as root would). */
const ROLE = 'rotor';

/**
 * Makes the served sandbox log rotor in as a pod would: a ServiceAccount `vault/rotor`, Vault's
 * Kubernetes auth configured against the emulator (TokenReview) with a role `rotor` bound to it,
 * and a token of that account in a 0600 file, for VAULT_K8S_TOKEN_PATH. Returns the variables to
 * print and how to remove the file.
 */
export async function setUpKubernetesAuth(
  vault: VaultEmulator,
  kube: KubeEmulator,
): Promise<{ variables: Record<string, string>; remove(): Promise<void> }> {
  if (!kube.get('ServiceAccount', 'vault', ROLE))
    kube.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: ROLE, namespace: 'vault' } });
  // The sandbox is a rehearsal: the role gets everything, as the printed root token has.
  vault.setPolicy('rotor-sandbox', { '*': ['create', 'read', 'update', 'patch', 'delete', 'list', 'sudo'] });
  const answers = [
    await vault.call('PUT', 'auth/kubernetes/config', {
      kubernetes_host: kube.url,
      kubernetes_ca_cert: kube.caPem,
      token_reviewer_jwt: kube.token,
    }),
    await vault.call('PUT', `auth/kubernetes/role/${ROLE}`, {
      bound_service_account_names: ROLE,
      bound_service_account_namespaces: 'vault',
      token_policies: 'rotor-sandbox',
      token_ttl: '1h',
    }),
  ];
  if (answers.some((a) => a.status !== 204))
    throw new Error('the sandbox could not configure Kubernetes auth');
  const dir = await mkdtemp(join(tmpdir(), 'rotor-sa-'));
  const file = join(dir, 'token');
  await writeFile(file, await kube.serviceAccountToken('vault', ROLE), { mode: 0o600 });
  await chmod(file, 0o600);
  return {
    variables: { VAULT_K8S_ROLE: ROLE, VAULT_K8S_TOKEN_PATH: file },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/**
 * `--forward <namespace>/<pod>:<port>=<host>:<port>`: what answers on a pod's port in the served
 * sandbox (a real server the operator started), for port-forwards to reach.
 */
export function parseForward(text: string): { namespace: string; pod: string; port: number; to: string } {
  const match =
    /^([a-z0-9-]+)\/([a-z0-9.-]+):(\d{1,5})=((?:\d{1,3}\.){3}\d{1,3}|localhost|\[[0-9a-f:]+\]):(\d{1,5})$/.exec(
      text,
    );
  if (!match)
    throw new UsageError(
      `--forward ${text}: expected <namespace>/<pod>:<port>=<host>:<port>`,
      'e.g. --forward redis-production/redis-cluster-0:6379=127.0.0.1:7001',
    );
  return { namespace: match[1], pod: match[2], port: Number(match[3]), to: `${match[4]}:${match[5]}` };
}
