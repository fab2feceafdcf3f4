import type { CronJobOptions } from './cronjob-manifest.js';

/**
 * What `rotor run --due` does in a namespace, as RBAC rules: read, restart (patch) and list
 * workloads; read and annotate ExternalSecrets (force-sync), Secrets and pods; read pod logs;
 * port-forward to targets named `k8s://…`. Nothing else: no create, update or delete anywhere.
 */
export const ROTOR_RULES = [
  { apiGroups: ['apps'], resources: ['deployments', 'statefulsets'], verbs: ['get', 'list', 'patch'] },
  { apiGroups: ['external-secrets.io'], resources: ['externalsecrets'], verbs: ['get', 'patch'] },
  { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'patch'] },
  { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'patch'] },
  { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
  { apiGroups: [''], resources: ['pods/portforward'], verbs: ['create'] },
  { apiGroups: [''], resources: ['services'], verbs: ['get'] },
];

const labels = { 'app.kubernetes.io/name': 'rotor', 'app.kubernetes.io/component': 'secret-rotation' };

/** The CronJob's ServiceAccount, and one Role and RoleBinding per namespace rotor touches. */
export function rbacManifests(o: CronJobOptions): Array<Record<string, unknown>> {
  const subject = { kind: 'ServiceAccount', name: o.serviceAccount, namespace: o.namespace };
  return [
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: o.serviceAccount, namespace: o.namespace, labels },
    },
    ...o.touches.flatMap((namespace) => [
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: o.name, namespace, labels },
        rules: ROTOR_RULES,
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: o.name, namespace, labels },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: o.name },
        subjects: [subject],
      },
    ]),
  ];
}

/** The Vault side, as comment lines at the top of the manifest: the role the pod logs in with. */
export function vaultRoleComment(o: CronJobOptions): string {
  return [
    `# Vault: the CronJob logs in with its service account (Kubernetes auth), no static token.`,
    `#   vault auth enable kubernetes   # once; then auth/kubernetes/config with the cluster's host and CA`,
    `#   vault policy write rotor-cronjob deploy/vault-policies/rotor-cronjob.hcl`,
    `#   vault write auth/${o.vaultAuthMount}/role/${o.vaultRole} \\`,
    `#       bound_service_account_names=${o.serviceAccount} bound_service_account_namespaces=${o.namespace} \\`,
    `#       token_policies=rotor-cronjob token_ttl=1h`,
  ].join('\n');
}
