import {
  ApiException,
  CoreV1Api,
  CustomObjectsApi,
  type V1Pod,
  type V1Secret,
} from '@kubernetes/client-node';
import type { Digest, ExternalSecretView, PodView, SecretView } from '../check/cluster-view.js';
import type { SecretRead } from '../check/judge-secret.js';
import type { ClusterGap } from '../check/sources.js';
import type { ResolvedKubeConfig } from './kubernetes-config.js';
import { kubeTransport } from './kubernetes-transport.js';

const GROUP = 'external-secrets.io';

/** What `rotor check` reads from a cluster; every method answers, a failed read is a gap. */
export interface CheckCluster {
  externalSecrets(): Promise<readonly ExternalSecretView[] | ClusterGap>;
  secret(namespace: string, name: string): Promise<SecretRead>;
  pods(namespace: string): Promise<readonly PodView[] | ClusterGap>;
}

/** Why a read failed, in words that name the object and never a body (which could hold data). */
function gapOf(error: unknown, what: string, where: string): ClusterGap {
  if (error instanceof ApiException) {
    if (error.code === 401 || error.code === 403)
      return { why: `${what}: forbidden (${error.code}) in ${where}`, forbidden: true };
    return { why: `${what}: the API answered ${error.code} (${where})` };
  }
  const code =
    (error as { code?: string; cause?: { code?: string } })?.cause?.code ??
    (error as { code?: string })?.code;
  return { why: `${what}: ${where} unreachable${code ? ` (${code})` : ''}` };
}

/**
 * Reads ExternalSecrets, Secrets and pods over @kubernetes/client-node. A Secret's values are
 * decoded, digested under the run's key and dropped here: nothing above this sees them.
 */
export function checkCluster(resolved: ResolvedKubeConfig, digest: Digest): CheckCluster {
  // One transport: every read of the run shares its kept-alive connection to the API server.
  const transport = kubeTransport();
  const core = transport.makeApiClient(resolved.kc, CoreV1Api);
  const custom = transport.makeApiClient(resolved.kc, CustomObjectsApi);
  const where = `context ${resolved.context} (${resolved.server})`;
  // One list per namespace instead of a read per Secret: a thousand secrets cost one request,
  // not a thousand (each a new TLS connection with the generated client). Without list
  // permission, each Secret is read by name.
  const lists = new Map<string, Promise<Map<string, SecretView> | undefined>>();
  const listed = (namespace: string) => {
    if (!lists.has(namespace))
      lists.set(
        namespace,
        core.listNamespacedSecret({ namespace }).then(
          (list) => new Map(list.items.map((s) => [s.metadata?.name ?? '', secretView(s, digest)])),
          () => undefined,
        ),
      );
    return lists.get(namespace)!;
  };
  return {
    async externalSecrets() {
      let last: unknown;
      // Newer External Secrets serve v1, older ones only v1beta1.
      for (const version of ['v1', 'v1beta1']) {
        try {
          const list = (await custom.listClusterCustomObject({
            group: GROUP,
            version,
            plural: 'externalsecrets',
          })) as {
            items?: Array<{
              metadata?: { namespace?: string; name?: string };
              spec?: unknown;
              status?: unknown;
            }>;
          };
          return (list.items ?? []).map((o) => ({
            namespace: o.metadata?.namespace ?? '',
            name: o.metadata?.name ?? '',
            spec: o.spec,
            status: o.status,
          }));
        } catch (error) {
          last = error;
          if (!(error instanceof ApiException && error.code === 404)) break;
        }
      }
      if (last instanceof ApiException && last.code === 404)
        return { why: `External Secrets is not installed in ${where} (no externalsecrets resource)` };
      return gapOf(last, 'listing ExternalSecrets', where);
    },
    async secret(namespace, name) {
      const all = await listed(namespace);
      if (all) return all.get(name) ?? { missing: true };
      try {
        return secretView(await core.readNamespacedSecret({ namespace, name }), digest);
      } catch (error) {
        if (error instanceof ApiException && error.code === 404) return { missing: true };
        const gap = gapOf(error, `reading Secret ${namespace}/${name}`, where);
        return { error: gap.forbidden ? 'forbidden' : 'unreachable', why: gap.why };
      }
    },
    async pods(namespace) {
      try {
        // A pod being deleted (Terminating, during a rollout) serves no one once it is gone; counting
        // it would call a finished restart stale until the kubelet removes it.
        return (await core.listNamespacedPod({ namespace })).items
          .filter((pod) => !pod.metadata?.deletionTimestamp)
          .map(podView);
      } catch (error) {
        return gapOf(error, `listing pods in ${namespace}`, where);
      }
    },
  };
}

function secretView(secret: V1Secret, digest: Digest): SecretView {
  const digests: Record<string, string> = {};
  for (const [k, v] of Object.entries(secret.data ?? {})) digests[k] = digest(Buffer.from(v, 'base64'));
  const time = (t: unknown) => (t instanceof Date ? t.toISOString() : typeof t === 'string' ? t : undefined);
  return {
    namespace: secret.metadata?.namespace ?? '',
    name: secret.metadata?.name ?? '',
    digests,
    managedTimes: (secret.metadata?.managedFields ?? [])
      .map((m) => time(m.time))
      .filter((t): t is string => !!t),
    creationTimestamp: time(secret.metadata?.creationTimestamp),
  };
}

function podView(pod: V1Pod): PodView {
  const time = (t: unknown) => (t instanceof Date ? t.toISOString() : typeof t === 'string' ? t : undefined);
  const owner = pod.metadata?.ownerReferences?.find((r) => r.controller);
  return {
    namespace: pod.metadata?.namespace ?? '',
    name: pod.metadata?.name ?? '',
    spec: pod.spec,
    startTime: time(pod.status?.startTime),
    containerStarts: (pod.status?.containerStatuses ?? [])
      .map((c) => time(c.state?.running?.startedAt))
      .filter((t): t is string => !!t),
    creationTimestamp: time(pod.metadata?.creationTimestamp),
    ...(owner ? { owner: { kind: owner.kind, name: owner.name } } : {}),
  };
}
