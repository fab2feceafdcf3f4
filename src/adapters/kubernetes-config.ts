import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig, type Cluster, type Context, type User } from '@kubernetes/client-node';
import { RotorError, UsageError } from '../errors.js';
import { clusterTlsMode, type TlsMode } from './tls-mode.js';
import { processEnvironment } from '../environment.js';

/** Where the Kubernetes connection comes from, as kubectl finds it. */
export interface KubeConnectionOptions {
  /** One kubeconfig file, as `--kubeconfig`; it must exist. */
  kubeconfig?: string;
  /** The context to use, as `--context`; default the current context. */
  context?: string;
  /** Environment to read KUBECONFIG and KUBERNETES_SERVICE_HOST/PORT from; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Home directory for ~/.kube/config; default the user's. */
  home?: string;
  /** Directory of the pod's service account files; default /var/run/secrets/kubernetes.io/serviceaccount. */
  serviceAccountDir?: string;
}

/** A loaded configuration with the chosen context, and where it came from for messages. */
export interface ResolvedKubeConfig {
  kc: KubeConfig;
  context: string;
  /** host:port of the API server. */
  server: string;
  /** The context's namespace, if it sets one. */
  namespace?: string;
  source: string;
  /** How the API server is authenticated (insecure-skip-tls-verify, a CA, plain http). */
  tls: TlsMode;
}

const SERVICE_ACCOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * Loads kubeconfig as kubectl does: `--kubeconfig`, else every existing file of KUBECONFIG merged
 * with the first file to define a name (or the current context) winning, else ~/.kube/config,
 * else the pod's service account. Then picks `--context` or the current context.
 */
export function resolveKubeConfig(options: KubeConnectionOptions = {}): ResolvedKubeConfig {
  const env = options.env ?? processEnvironment();
  let files: string[];
  if (options.kubeconfig) {
    if (!existsSync(options.kubeconfig))
      throw new UsageError(
        `kubeconfig ${options.kubeconfig} does not exist`,
        'check the path given for the kubeconfig',
      );
    files = [options.kubeconfig];
  } else if (env.KUBECONFIG) {
    files = env.KUBECONFIG.split(delimiter).filter((f) => f && existsSync(f));
    if (!files.length)
      throw new UsageError(
        `none of the KUBECONFIG files exist (${env.KUBECONFIG})`,
        'point KUBECONFIG at your kubeconfig file(s)',
      );
  } else {
    const home = join(options.home ?? homedir(), '.kube', 'config');
    files = existsSync(home) ? [home] : [];
  }
  if (!files.length) return inCluster(env, options.serviceAccountDir ?? SERVICE_ACCOUNT);

  const merged = mergeFiles(files);
  const source = `kubeconfig ${files.join(delimiter)}`;
  const context = options.context ?? merged.currentContext;
  const names = merged.contexts.map((c) => c.name);
  if (!context)
    throw new UsageError(
      `${source} sets no current context`,
      `pick one with kubectl config use-context <context>, or give a profile one: rotor env add <name> --context <context> (contexts: ${names.join(', ') || 'none defined'})`,
    );
  const found = merged.contexts.find((c) => c.name === context);
  if (!found) {
    throw new UsageError(
      `${source} has no context "${context}"`,
      names.length
        ? `use one of the contexts it defines: ${names.join(', ')}`
        : 'the kubeconfig defines no contexts',
    );
  }
  const cluster = merged.clusters.find((c) => c.name === found.cluster);
  if (!cluster)
    throw new UsageError(
      `context "${context}" names cluster "${found.cluster}", which ${source} does not define`,
      'fix the kubeconfig or choose another context',
    );
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: merged.clusters,
    users: merged.users,
    contexts: merged.contexts,
    currentContext: context,
  });
  return {
    kc,
    context,
    server: hostPort(cluster.server),
    namespace: found.namespace,
    source,
    tls: clusterTlsMode(cluster),
  };
}

function mergeFiles(files: string[]): {
  clusters: Cluster[];
  users: User[];
  contexts: Context[];
  currentContext?: string;
} {
  const out = {
    clusters: [] as Cluster[],
    users: [] as User[],
    contexts: [] as Context[],
    currentContext: undefined as string | undefined,
  };
  for (const file of files) {
    const kc = new KubeConfig();
    try {
      kc.loadFromFile(file);
    } catch (error) {
      throw new UsageError(
        `kubeconfig ${file} cannot be read: ${(error as Error).message}`,
        'fix the file or remove it from KUBECONFIG',
      );
    }
    // kubectl's merge: the first file to set a name (or the current context) wins.
    for (const c of kc.clusters ?? []) if (!out.clusters.some((x) => x.name === c.name)) out.clusters.push(c);
    for (const u of kc.users ?? []) if (!out.users.some((x) => x.name === u.name)) out.users.push(u);
    for (const c of kc.contexts ?? []) if (!out.contexts.some((x) => x.name === c.name)) out.contexts.push(c);
    out.currentContext ||= kc.currentContext || undefined;
  }
  return out;
}

/** The pod's own service account, as client-go's rest.InClusterConfig builds it. */
function inCluster(env: NodeJS.ProcessEnv, dir: string): ResolvedKubeConfig {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  const tokenFile = join(dir, 'token');
  if (!host || !port || !existsSync(tokenFile)) {
    throw new UsageError(
      'no Kubernetes configuration found: KUBECONFIG is unset, ~/.kube/config does not exist, and this is not a pod with a service account',
      'set KUBECONFIG to a kubeconfig file (or create ~/.kube/config), or run with --env sandbox',
    );
  }
  const server = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const namespaceFile = join(dir, 'namespace');
  const namespace = existsSync(namespaceFile) ? readFileSync(namespaceFile, 'utf8').trim() : undefined;
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'in-cluster', server, caFile: join(dir, 'ca.crt'), skipTLSVerify: false }],
    // tokenFile: re-read on use, so a rotated projected token keeps working.
    users: [{ name: 'in-cluster', authProvider: { name: 'tokenFile', config: { tokenFile } } }],
    contexts: [
      { name: 'in-cluster', cluster: 'in-cluster', user: 'in-cluster', ...(namespace ? { namespace } : {}) },
    ],
    currentContext: 'in-cluster',
  });
  return {
    kc,
    context: 'in-cluster',
    server: hostPort(server),
    namespace,
    source: `service account in ${dir}`,
    tls: 'verified-ca',
  };
}

function hostPort(server: string): string {
  try {
    const url = new URL(server);
    return url.port
      ? `${url.hostname}:${url.port}`
      : `${url.hostname}:${url.protocol === 'https:' ? 443 : 80}`;
  } catch {
    throw new RotorError(`the kubeconfig's server "${server}" is not a URL`, {
      hint: 'fix the cluster server in the kubeconfig',
    });
  }
}
