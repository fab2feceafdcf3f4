import {
  AppsV1Api,
  BatchV1Api,
  CoreV1Api,
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
  type V1CronJob,
} from '@kubernetes/client-node';
import type { AnnotatableKind, KubePort, KubeRef, WorkloadKind } from '../ports/kubernetes-port.js';
import {
  resolveKubeConfig,
  type KubeConnectionOptions,
  type ResolvedKubeConfig,
} from './kubernetes-config.js';
import { digestSecret, toExternalSecretState, toPodState, toWorkloadState } from './kubernetes-convert.js';
import {
  isMissingResourceType,
  isNotFound,
  kubeError,
  namespaceNotFound,
  type KubeOperation,
} from './kubernetes-errors.js';
import { kubeTransport } from './kubernetes-transport.js';

export type { KubeConnectionOptions } from './kubernetes-config.js';
export { resolveKubeConfig } from './kubernetes-config.js';

const ESO_GROUP = 'external-secrets.io';
const RESOURCES: Record<AnnotatableKind | 'CronJob', string> = {
  Deployment: 'deployments.apps',
  StatefulSet: 'statefulsets.apps',
  ExternalSecret: 'externalsecrets.external-secrets.io',
  Secret: 'secrets',
  Pod: 'pods',
  CronJob: 'cronjobs.batch',
};

const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const strategic = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);

/** A KubePort over @kubernetes/client-node, connected as kubectl would be (kubeconfig, context, in-cluster). */
export function createKubePort(options: KubeConnectionOptions = {}): KubePort {
  return kubePortFor(resolveKubeConfig(options));
}

/** A KubePort for an already resolved configuration. */
export function kubePortFor(resolved: ResolvedKubeConfig): KubePort {
  const transport = kubeTransport();
  const core = transport.makeApiClient(resolved.kc, CoreV1Api);
  const apps = transport.makeApiClient(resolved.kc, AppsV1Api);
  const batch = transport.makeApiClient(resolved.kc, BatchV1Api);
  const custom = transport.makeApiClient(resolved.kc, CustomObjectsApi);
  const where = { context: resolved.context, server: resolved.server };
  // Newer External Secrets serve v1, older ones only v1beta1: try v1 first, remember what answered.
  let esoVersions = ['v1', 'v1beta1'];

  async function call<T>(op: KubeOperation, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw await kubeError(
        error,
        op,
        where,
        op.namespace ? () => namespaceMissing(op.namespace!) : undefined,
      );
    }
  }

  async function namespaceMissing(namespace: string): Promise<boolean> {
    try {
      await core.readNamespace({ name: namespace });
      return false;
    } catch (error) {
      return isNotFound(error);
    }
  }

  const op = (verb: string, kind: AnnotatableKind | 'CronJob', ref: Partial<KubeRef>): KubeOperation => ({
    verb,
    kind,
    resource: RESOURCES[kind],
    namespace: ref.namespace,
    name: ref.name,
  });

  async function esoCall<T>(fn: (version: string) => Promise<T>): Promise<T> {
    for (const [i, version] of esoVersions.entries()) {
      try {
        const result = await fn(version);
        esoVersions = [version];
        return result;
      } catch (error) {
        if (!(isMissingResourceType(error) && i < esoVersions.length - 1)) throw error;
      }
    }
    throw new Error('unreachable');
  }

  async function patchAnnotations(
    kind: AnnotatableKind,
    ref: KubeRef,
    annotations: Record<string, string | null>,
  ): Promise<void> {
    const body = { metadata: { annotations } };
    const request = { ...ref, body };
    switch (kind) {
      case 'Deployment':
        await apps.patchNamespacedDeployment(request, merge);
        return;
      case 'StatefulSet':
        await apps.patchNamespacedStatefulSet(request, merge);
        return;
      case 'Secret':
        await core.patchNamespacedSecret(request, merge);
        return;
      case 'Pod':
        await core.patchNamespacedPod(request, merge);
        return;
      case 'ExternalSecret':
        await esoCall((version) =>
          custom.patchNamespacedCustomObject(
            { group: ESO_GROUP, version, plural: 'externalsecrets', ...request },
            merge,
          ),
        );
    }
  }

  return {
    where: `context ${resolved.context} (${resolved.server})`,
    close: () => transport.close(),

    getExternalSecret: (ref) =>
      call(op('get', 'ExternalSecret', ref), async () =>
        toExternalSecretState(
          await esoCall((version) =>
            custom.getNamespacedCustomObject({
              group: ESO_GROUP,
              version,
              plural: 'externalsecrets',
              ...ref,
            }),
          ),
        ),
      ),

    async lastWarning(ref) {
      try {
        const events = await core.listNamespacedEvent({
          namespace: ref.namespace,
          fieldSelector: `involvedObject.kind=ExternalSecret,involvedObject.name=${ref.name},type=Warning`,
        });
        const when = (e: (typeof events.items)[number]) =>
          String(e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? '');
        const newest = events.items.sort((x, y) => when(y).localeCompare(when(x)))[0];
        return newest ? { reason: newest.reason ?? '', message: newest.message ?? '' } : null;
      } catch {
        // Diagnostics only: a token without `list events` still syncs.
        return null;
      }
    },

    annotate: (kind, ref, annotations) =>
      call(op('patch', kind, ref), () => patchAnnotations(kind, ref, annotations)),

    secretDigest: (ref) =>
      call(op('get', 'Secret', ref), async () => {
        try {
          const secret = await core.readNamespacedSecret(ref);
          return digestSecret(secret.data, secret.metadata?.annotations, secret.metadata?.resourceVersion);
        } catch (error) {
          if (isNotFound(error) && !(await namespaceMissing(ref.namespace))) return null;
          throw error;
        }
      }),

    getWorkload: (kind, ref) =>
      call(op('get', kind, ref), async () =>
        kind === 'Deployment'
          ? toWorkloadState(kind, await apps.readNamespacedDeployment(ref))
          : toWorkloadState(kind, await apps.readNamespacedStatefulSet(ref)),
      ),

    restartWorkload: (kind, ref, restartedAt) =>
      call(op('patch', kind, ref), async () => {
        // Exactly the patch `kubectl rollout restart` sends.
        const body = {
          spec: {
            template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': restartedAt } } },
          },
        };
        if (kind === 'Deployment')
          await apps.patchNamespacedDeployment({ ...ref, body, fieldManager: 'kubectl-rollout' }, strategic);
        else
          await apps.patchNamespacedStatefulSet({ ...ref, body, fieldManager: 'kubectl-rollout' }, strategic);
      }),

    listWorkloads: (namespace) =>
      call(
        { verb: 'list', kind: 'Deployment', resource: 'deployments.apps and statefulsets.apps', namespace },
        async () => {
          const [deployments, statefulSets] = await Promise.all([
            apps.listNamespacedDeployment({ namespace }),
            apps.listNamespacedStatefulSet({ namespace }),
          ]);
          if (
            !deployments.items.length &&
            !statefulSets.items.length &&
            (await namespaceMissing(namespace))
          ) {
            // A list in a missing namespace is empty, not 404: say which it is.
            throw namespaceNotFound(namespace, where);
          }
          return [
            ...deployments.items.map((d) => ({
              kind: 'Deployment' as WorkloadKind,
              name: d.metadata!.name!,
            })),
            ...statefulSets.items.map((s) => ({
              kind: 'StatefulSet' as WorkloadKind,
              name: s.metadata!.name!,
            })),
          ];
        },
      ),

    listPods: (namespace, labelSelector) =>
      call(op('list', 'Pod', { namespace }), async () =>
        (await core.listNamespacedPod({ namespace, labelSelector })).items.map(toPodState),
      ),

    podLogs: (ref, options) =>
      call(op('get', 'Pod', ref), () =>
        core.readNamespacedPodLog({ ...ref, tailLines: options.tailLines, container: options.container }),
      ),

    getCronJob: (ref) =>
      call(op('get', 'CronJob', ref), async () => {
        try {
          return (await batch.readNamespacedCronJob(ref)) as unknown as Record<string, unknown>;
        } catch (error) {
          if (isNotFound(error) && !isMissingResourceType(error)) return null;
          throw error;
        }
      }),

    createCronJob: (namespace, manifest) =>
      call(
        op('create', 'CronJob', { namespace, name: (manifest.metadata as { name?: string })?.name }),
        async () => {
          await batch.createNamespacedCronJob({ namespace, body: manifest as V1CronJob });
        },
      ),

    replaceCronJob: (namespace, manifest) => {
      const name = (manifest.metadata as { name: string }).name;
      return call(op('update', 'CronJob', { namespace, name }), async () => {
        await batch.replaceNamespacedCronJob({ namespace, name, body: manifest as V1CronJob });
      });
    },

    deleteCronJob: (ref) =>
      call(op('delete', 'CronJob', ref), async () => {
        await batch.deleteNamespacedCronJob(ref);
      }),
  };
}
