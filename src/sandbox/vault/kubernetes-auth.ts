import { request } from 'node:https';
import { badRequest, noContent, notFound, ok, VaultHttpError } from './envelope.js';
import { durationSeconds, listField, stringField } from './fields.js';
import { route, type Mount, type VaultRequest } from './routes.js';
import type { TokenStore } from './tokens.js';

/** `auth/kubernetes/config`: where the TokenReview API is and how to call it. */
export interface KubernetesAuthConfig {
  host: string;
  caCert: string;
  /** The reviewer's own JWT; when empty, the login's JWT reviews itself (as Vault does without one). */
  reviewerJwt: string;
}

/** `auth/kubernetes/role/<name>`. */
export interface KubernetesRole {
  names: string[];
  namespaces: string[];
  policies: string[];
  ttl: number;
  audience: string;
}

/** A TokenReview answer's status. */
interface ReviewStatus {
  authenticated?: boolean;
  user?: { username?: string; uid?: string };
  error?: string;
}

/** POSTs a TokenReview to the configured API server over TLS, trusting its CA. */
function tokenReview(config: KubernetesAuthConfig, jwt: string, audience: string): Promise<ReviewStatus> {
  const body = JSON.stringify({
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenReview',
    spec: { token: jwt, ...(audience ? { audiences: [audience] } : {}) },
  });
  return new Promise((resolve, reject) => {
    const req = request(
      new URL('/apis/authentication.k8s.io/v1/tokenreviews', config.host),
      {
        method: 'POST',
        ca: config.caCert || undefined,
        headers: {
          authorization: `Bearer ${config.reviewerJwt || jwt}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => {
          if (res.statusCode !== 201 && res.statusCode !== 200)
            return reject(new Error(`lookup failed: ${res.statusCode}: ${text.slice(0, 200)}`));
          try {
            resolve(((JSON.parse(text) as { status?: ReviewStatus }).status ?? {}) as ReviewStatus);
          } catch (error) {
            reject(error as Error);
          }
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const bound = (allowed: string[], value: string) => allowed.includes('*') || allowed.includes(value);

/**
 * The Kubernetes auth method at `auth/kubernetes/` (vault-plugin-auth-kubernetes): config, roles,
 * and login, which has the API server review the service-account JWT and then checks the account
 * and namespace against the role's bounds before it issues a token with the role's policies.
 */
export function kubernetesAuthMount(
  state: { config?: KubernetesAuthConfig; roles: Map<string, KubernetesRole> },
  tokens: TokenStore,
  changed: () => void,
): Mount {
  const login = async (req: VaultRequest) => {
    const roleName = stringField(req.body.role);
    if (!roleName) throw badRequest('missing role');
    const jwt = stringField(req.body.jwt);
    if (!jwt) throw badRequest('missing jwt');
    const role = state.roles.get(roleName);
    if (!role) throw badRequest(`invalid role name "${roleName}"`);
    if (!state.config) throw badRequest('could not load backend configuration');
    let status: ReviewStatus;
    try {
      status = await tokenReview(state.config, jwt, role.audience);
    } catch (error) {
      throw new VaultHttpError(500, [(error as Error).message]);
    }
    if (!status.authenticated) throw new VaultHttpError(403, ['permission denied']);
    const [, namespace, name] =
      /^system:serviceaccount:([^:]+):([^:]+)$/.exec(status.user?.username ?? '') ?? [];
    if (!namespace || !name) throw new VaultHttpError(403, ['permission denied']);
    if (!bound(role.names, name)) throw new VaultHttpError(403, ['service account name not authorized']);
    if (!bound(role.namespaces, namespace)) throw new VaultHttpError(403, ['namespace not authorized']);
    const token = tokens.create({
      policies: role.policies,
      ttl: role.ttl || undefined,
      displayName: `kubernetes-${namespace}-${name}`,
      path: 'auth/kubernetes/login',
      meta: {
        role: roleName,
        service_account_name: name,
        service_account_namespace: namespace,
        service_account_uid: status.user?.uid ?? '',
      },
      orphan: true,
      renewable: true,
    });
    changed();
    return ok(null, { auth: tokens.authBlock(token) });
  };
  const writeRole = (req: VaultRequest, p: Record<string, string>) => {
    const b = req.body;
    const names = listField(b.bound_service_account_names) ?? [];
    const namespaces = listField(b.bound_service_account_namespaces) ?? [];
    if (!names.length) throw badRequest('"bound_service_account_names" can not be empty');
    if (!namespaces.length) throw badRequest('"bound_service_account_namespaces" can not be empty');
    if (names.length > 1 && names.includes('*')) throw badRequest('can not mix "*" with values');
    state.roles.set(p.name, {
      names,
      namespaces,
      policies: listField(b.token_policies ?? b.policies) ?? [],
      ttl: durationSeconds(b.token_ttl ?? b.ttl, 'token_ttl') ?? 0,
      audience: stringField(b.audience) ?? '',
    });
    changed();
    return noContent();
  };
  return {
    path: 'auth/kubernetes/',
    type: 'kubernetes',
    routes: [
      route('login', { update: login }, { unauthenticated: true }),
      route('config', {
        read: () => {
          if (!state.config) return ok(null);
          return ok({
            kubernetes_host: state.config.host,
            kubernetes_ca_cert: state.config.caCert,
            token_reviewer_jwt_set: state.config.reviewerJwt !== '',
            disable_local_ca_jwt: false,
          });
        },
        update: (req) => {
          const host = stringField(req.body.kubernetes_host);
          if (!host) throw badRequest('no host provided');
          state.config = {
            host,
            caCert: stringField(req.body.kubernetes_ca_cert) ?? '',
            reviewerJwt: stringField(req.body.token_reviewer_jwt) ?? '',
          };
          changed();
          return noContent();
        },
      }),
      route('role/', { list: () => ok({ keys: [...state.roles.keys()].sort() }) }),
      route('role/(?<name>[^/]+)', {
        read: (_req, p) => {
          const r = state.roles.get(p.name);
          if (!r) throw notFound();
          return ok({
            bound_service_account_names: r.names,
            bound_service_account_namespaces: r.namespaces,
            token_policies: r.policies,
            token_ttl: r.ttl,
            audience: r.audience,
          });
        },
        update: writeRole,
        delete: (_req, p) => (state.roles.delete(p.name), changed(), noContent()),
      }),
    ],
  };
}
