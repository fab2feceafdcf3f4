import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { ServingCertificate } from './tls.js';
import { SANDBOX_USER, type Access } from './access.js';
import { discovery } from './discovery.js';
import { handleResource, verbOf, type HandlerDeps } from './handlers.js';
import { sendJson, sendText } from './http-io.js';
import { openApiV3 } from './openapi.js';
import { route } from './routes.js';
import { serveTokens, type ServiceAccountTokens } from './token-review.js';
import { ApiError, badRequest, forbidden, methodNotAllowed, noSuchResource, unauthorized } from './status.js';

/** Paths the API server serves without authentication (health and version). */
const PUBLIC = new Set(['/healthz', '/livez', '/readyz', '/version']);

/** The HTTP front of the emulator: authentication, discovery, routing and Status answers. */
export function createApiServer(
  deps: HandlerDeps & { access: Access; tokens: ServiceAccountTokens },
  tls: ServingCertificate,
): Server {
  return createServer({ cert: tls.certPem, key: tls.keyPem }, (req, res) => {
    serve(req, res, deps).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (error instanceof ApiError) return sendJson(res, error.status.code, error.status);
      sendJson(res, 500, {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: `Internal error occurred: ${(error as Error).message}`,
        reason: 'InternalError',
        code: 500,
      });
    });
  });
}

async function serve(
  req: IncomingMessage,
  res: ServerResponse,
  deps: HandlerDeps & { access: Access; tokens: ServiceAccountTokens },
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://emulator');
  const path = url.pathname;
  if (PUBLIC.has(path)) {
    if (path === '/version') return sendJson(res, 200, discovery(path, req.headers.host ?? ''));
    return sendText(res, 200, 'ok');
  }
  if (!deps.access.authenticated(req)) throw unauthorized();
  if (path.startsWith('/openapi/')) {
    const document = path.startsWith('/openapi/v3') ? openApiV3(path) : undefined;
    if (document === undefined) return sendText(res, 404, '404 page not found\n');
    return sendJson(res, 200, document);
  }
  const target = route(path);
  if (target.type === 'discovery') {
    if (req.method !== 'GET') throw methodNotAllowed();
    const document = discovery(path, req.headers.host ?? '');
    if (document === undefined) return sendText(res, 404, '404 page not found\n');
    return sendJson(res, 200, document);
  }
  if (target.type !== 'resource') throw noSuchResource();
  const creates =
    req.method === 'POST' && (target.subresource === 'token' || target.resource.resource === 'tokenreviews');
  const verb = creates ? 'create' : verbOf(req.method ?? 'GET', target, url.searchParams);
  const rbacResource = target.subresource
    ? `${target.resource.resource}/${target.subresource}`
    : target.resource.resource;
  if (verb && !deps.access.allowed(verb, rbacResource, target.namespace, target.name)) {
    throw forbidden(target.resource, verb, SANDBOX_USER, target.namespace, target.name, rbacResource);
  }
  // A port-forward is a WebSocket upgrade (port-forward.ts); a plain request cannot carry one.
  if (target.subresource === 'portforward') throw badRequest('Upgrade request required');
  if (await serveTokens(req, res, target, deps.tokens)) return;
  await handleResource(req, res, target, url.searchParams, deps);
}
