import type { IncomingMessage, ServerResponse } from 'node:http';
import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import { readJson, sendJson } from './http-io.js';
import type { Route } from './routes.js';
import { badRequest, invalid, fieldInvalid, notFound, type FieldCause } from './status.js';
import { findKind } from './resources.js';
import type { ObjectStore } from './store.js';

/** The issuer a kubeadm cluster's service-account tokens carry. */
export const ISSUER = 'https://kubernetes.default.svc.cluster.local';

/**
 * Service-account tokens as the API server issues and reviews them: TokenRequest
 * (`POST …/serviceaccounts/<name>/token`) signs a bound JWT for an existing service account;
 * TokenReview (`POST /apis/authentication.k8s.io/v1/tokenreviews`) checks one, as Vault's
 * Kubernetes auth method asks it to.
 */
export class ServiceAccountTokens {
  readonly #privateKey: KeyObject;
  readonly #publicKey: KeyObject;

  constructor(private readonly store: ObjectStore) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.#privateKey = privateKey;
    this.#publicKey = publicKey;
  }

  /** Issues a token for namespace/name (which must exist), valid for `seconds`, for these audiences. */
  async issue(
    namespace: string,
    name: string,
    audiences: string[] = [ISSUER],
    seconds = 3600,
  ): Promise<{ token: string; expires: Date }> {
    const sa = this.store.get('ServiceAccount', namespace, name);
    if (!sa) throw notFound(findKind('ServiceAccount'), name);
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({
      'kubernetes.io': { namespace, serviceaccount: { name, uid: sa.metadata.uid } },
    })
      .setProtectedHeader({ alg: 'RS256', kid: 'rotor-sandbox' })
      .setIssuer(ISSUER)
      .setSubject(`system:serviceaccount:${namespace}:${name}`)
      .setAudience(audiences)
      .setIssuedAt(now)
      .setNotBefore(now)
      .setExpirationTime(now + seconds)
      .setJti(randomUUID())
      .sign(this.#privateKey);
    return { token, expires: new Date((now + seconds) * 1000) };
  }

  /** The TokenReview status for a token: who it is, or why not (a deleted account's token is refused). */
  async review(token: string, audiences: string[] | undefined): Promise<Record<string, unknown>> {
    try {
      const { payload } = await jwtVerify(token, this.#publicKey, {
        issuer: ISSUER,
        ...(audiences?.length ? { audience: audiences } : {}),
      });
      const claim = payload['kubernetes.io'] as {
        namespace: string;
        serviceaccount: { name: string; uid: string };
      };
      const sa = this.store.get('ServiceAccount', claim.namespace, claim.serviceaccount.name);
      if (!sa || sa.metadata.uid !== claim.serviceaccount.uid)
        return {
          authenticated: false,
          error: '[invalid bearer token, service account token has been invalidated]',
        };
      const aud = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
      return {
        authenticated: true,
        user: {
          username: payload.sub,
          uid: claim.serviceaccount.uid,
          groups: [
            'system:serviceaccounts',
            `system:serviceaccounts:${claim.namespace}`,
            'system:authenticated',
          ],
          extra: { 'authentication.kubernetes.io/credential-id': [`JTI=${payload.jti}`] },
        },
        audiences: audiences?.length ? audiences.filter((a) => aud.includes(a)) : aud,
      };
    } catch (error) {
      return { authenticated: false, error: `[invalid bearer token, ${(error as Error).message}]` };
    }
  }
}

/** Serves TokenRequest and TokenReview; false when the route is neither. */
export async function serveTokens(
  req: IncomingMessage,
  res: ServerResponse,
  target: Extract<Route, { type: 'resource' }>,
  tokens: ServiceAccountTokens,
): Promise<boolean> {
  const request = target.resource.resource === 'serviceaccounts' && target.subresource === 'token';
  const review = target.resource.resource === 'tokenreviews';
  if (!request && !review) return false;
  if (req.method !== 'POST' || (review && target.name))
    throw badRequest('the server does not allow this method on the requested resource');
  const body = (await readJson(req)) as {
    spec?: { audiences?: unknown; expirationSeconds?: unknown; token?: unknown };
  };
  const spec = body.spec ?? {};
  const audiences = Array.isArray(spec.audiences) ? spec.audiences.map(String) : undefined;
  if (review) {
    if (typeof spec.token !== 'string' || !spec.token)
      throw invalid(findKind('TokenReview'), '', [
        fieldInvalid('spec.token', '', 'token cannot be empty'),
      ] as FieldCause[]);
    const status = await tokens.review(spec.token, audiences);
    sendJson(res, 201, {
      kind: 'TokenReview',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { creationTimestamp: null },
      spec: { token: spec.token, ...(audiences ? { audiences } : {}) },
      status,
    });
    return true;
  }
  const seconds = spec.expirationSeconds === undefined ? 3600 : Number(spec.expirationSeconds);
  if (!Number.isInteger(seconds) || seconds < 600)
    throw invalid(findKind('ServiceAccount'), target.name!, [
      fieldInvalid(
        'spec.expirationSeconds',
        spec.expirationSeconds,
        'may not specify a duration less than 10 minutes',
      ),
    ]);
  const { token, expires } = await tokens.issue(target.namespace!, target.name!, audiences, seconds);
  sendJson(res, 201, {
    kind: 'TokenRequest',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: { name: target.name, namespace: target.namespace, creationTimestamp: null },
    spec: { audiences: audiences ?? [ISSUER], expirationSeconds: seconds, boundObjectRef: null },
    status: { token, expirationTimestamp: expires.toISOString().replace(/\.\d{3}Z$/, 'Z') },
  });
  return true;
}
