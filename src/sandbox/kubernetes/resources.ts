/** One kind of object the emulator serves, as discovery describes it. */
export interface ResourceType {
  /** '' for the core group. */
  group: string;
  version: string;
  /** Further versions served with the same storage (External Secrets serves v1beta1 and v1). */
  alsoVersions?: string[];
  kind: string;
  listKind: string;
  /** The plural used in URLs. */
  resource: string;
  singular: string;
  namespaced: boolean;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  /** Subresources served: status, log. */
  subresources: string[];
  /** Built-in types accept strategic merge patches; custom resources do not (415). */
  strategicMerge: boolean;
  /** Whether a spec change bumps metadata.generation. */
  generation: boolean;
}

const rw = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];

/**
 * The API subset rotor and `kubectl get/annotate/rollout` use. Verbs not listed answer 405, as the
 * API server does for a verb a resource does not support, so a test cannot rely on something the
 * emulator only pretends to serve.
 */
export const resourceTypes: readonly ResourceType[] = [
  {
    group: '',
    version: 'v1',
    kind: 'Namespace',
    listKind: 'NamespaceList',
    resource: 'namespaces',
    singular: 'namespace',
    namespaced: false,
    verbs: ['create', 'get', 'list', 'watch'],
    shortNames: ['ns'],
    subresources: [],
    strategicMerge: true,
    generation: false,
  },
  {
    group: '',
    version: 'v1',
    kind: 'Pod',
    listKind: 'PodList',
    resource: 'pods',
    singular: 'pod',
    namespaced: true,
    verbs: ['delete', 'get', 'list', 'patch', 'update', 'watch'],
    shortNames: ['po'],
    categories: ['all'],
    subresources: ['log', 'status', 'portforward'],
    strategicMerge: true,
    generation: false,
  },
  {
    group: '',
    version: 'v1',
    kind: 'Service',
    listKind: 'ServiceList',
    resource: 'services',
    singular: 'service',
    namespaced: true,
    verbs: rw,
    shortNames: ['svc'],
    categories: ['all'],
    subresources: ['status'],
    strategicMerge: true,
    generation: false,
  },
  {
    group: '',
    version: 'v1',
    kind: 'ServiceAccount',
    listKind: 'ServiceAccountList',
    resource: 'serviceaccounts',
    singular: 'serviceaccount',
    namespaced: true,
    verbs: rw,
    shortNames: ['sa'],
    subresources: ['token'],
    strategicMerge: true,
    generation: false,
  },
  {
    group: 'authentication.k8s.io',
    version: 'v1',
    kind: 'TokenReview',
    listKind: 'TokenReviewList',
    resource: 'tokenreviews',
    singular: 'tokenreview',
    namespaced: false,
    verbs: ['create'],
    subresources: [],
    strategicMerge: true,
    generation: false,
  },
  {
    group: '',
    version: 'v1',
    kind: 'Secret',
    listKind: 'SecretList',
    resource: 'secrets',
    singular: 'secret',
    namespaced: true,
    verbs: rw,
    subresources: [],
    strategicMerge: true,
    generation: false,
  },
  {
    group: '',
    version: 'v1',
    kind: 'Event',
    listKind: 'EventList',
    resource: 'events',
    singular: 'event',
    namespaced: true,
    verbs: rw,
    shortNames: ['ev'],
    subresources: [],
    strategicMerge: true,
    generation: false,
  },
  {
    group: 'apps',
    version: 'v1',
    kind: 'Deployment',
    listKind: 'DeploymentList',
    resource: 'deployments',
    singular: 'deployment',
    namespaced: true,
    verbs: rw,
    shortNames: ['deploy'],
    categories: ['all'],
    subresources: ['status', 'scale'],
    strategicMerge: true,
    generation: true,
  },
  {
    group: 'apps',
    version: 'v1',
    kind: 'ReplicaSet',
    listKind: 'ReplicaSetList',
    resource: 'replicasets',
    singular: 'replicaset',
    namespaced: true,
    verbs: rw,
    shortNames: ['rs'],
    categories: ['all'],
    subresources: ['status'],
    strategicMerge: true,
    generation: true,
  },
  {
    group: 'apps',
    version: 'v1',
    kind: 'StatefulSet',
    listKind: 'StatefulSetList',
    resource: 'statefulsets',
    singular: 'statefulset',
    namespaced: true,
    verbs: rw,
    shortNames: ['sts'],
    categories: ['all'],
    subresources: ['status', 'scale'],
    strategicMerge: true,
    generation: true,
  },
  {
    group: 'batch',
    version: 'v1',
    kind: 'CronJob',
    listKind: 'CronJobList',
    resource: 'cronjobs',
    singular: 'cronjob',
    namespaced: true,
    verbs: rw,
    shortNames: ['cj'],
    categories: ['all'],
    subresources: ['status'],
    strategicMerge: true,
    generation: true,
  },
  {
    group: 'external-secrets.io',
    version: 'v1',
    alsoVersions: ['v1beta1'],
    kind: 'ExternalSecret',
    listKind: 'ExternalSecretList',
    resource: 'externalsecrets',
    singular: 'externalsecret',
    namespaced: true,
    verbs: rw,
    shortNames: ['es'],
    categories: ['external-secrets'],
    subresources: ['status'],
    strategicMerge: false,
    generation: true,
  },
  {
    group: 'external-secrets.io',
    version: 'v1',
    alsoVersions: ['v1beta1'],
    kind: 'ClusterSecretStore',
    listKind: 'ClusterSecretStoreList',
    resource: 'clustersecretstores',
    singular: 'clustersecretstore',
    namespaced: false,
    verbs: rw,
    shortNames: ['css'],
    categories: ['external-secrets'],
    subresources: ['status'],
    strategicMerge: false,
    generation: true,
  },
];

/** Every group/version pair the emulator serves, each with its resource types. */
export function groupVersions(): Map<string, ResourceType[]> {
  const out = new Map<string, ResourceType[]>();
  for (const type of resourceTypes) {
    for (const version of [type.version, ...(type.alsoVersions ?? [])]) {
      const key = type.group ? `${type.group}/${version}` : version;
      out.set(key, [...(out.get(key) ?? []), type]);
    }
  }
  return out;
}

export function findResource(group: string, version: string, resource: string): ResourceType | undefined {
  return resourceTypes.find(
    (t) =>
      t.group === group &&
      t.resource === resource &&
      (t.version === version || t.alsoVersions?.includes(version)),
  );
}

export function findKind(kind: string): ResourceType {
  const type = resourceTypes.find((t) => t.kind === kind);
  if (!type) throw new Error(`the emulator does not serve kind ${kind}`);
  return type;
}

/** "deployments.apps" as the API server names a resource in messages. */
export function qualifiedResource(type: ResourceType): string {
  return type.group ? `${type.resource}.${type.group}` : type.resource;
}
