import {
  INVALID_TOKEN,
  PERMISSION_DENIED,
  SEALED,
  VaultHttpError,
  multierror,
  type Reply,
} from './envelope.js';
import type { FaultTable } from './faults.js';
import { checkPatchContentType, parseBody } from './request-body.js';
import { capabilitiesFor, type Policy } from './policies.js';
import {
  matchRoute,
  unsupportedOperation,
  unsupportedPath,
  type Mount,
  type Operation,
  type VaultRequest,
} from './routes.js';
import type { SealState } from './seal.js';
import type { TokenStore } from './tokens.js';

/** A request as the HTTP server received it. */
export interface RawRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** What the request pipeline needs from the emulator. */
export interface CoreDeps {
  mounts: Mount[];
  seal: SealState;
  tokens: TokenStore;
  policies: Map<string, Policy>;
  faults: FaultTable;
  /** Namespaces clients sent (Vault OSS ignores the header; tests check that it was sent). */
  namespacesSeen: Set<string>;
}

const header = (raw: RawRequest, name: string): string | undefined => {
  const v = raw.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/** `strconv.ParseBool`, which Vault uses for `?list=`. */
function parseBool(value: string): boolean | undefined {
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(value)) return false;
  return undefined;
}

/** Turns the HTTP method (and `?list=`) into Vault's operation, as its HTTP layer does. */
function operationOf(method: string, query: URLSearchParams): Operation | undefined {
  switch (method) {
    case 'GET':
    case 'HEAD': {
      const list = query.get('list');
      if (list === null || list === '') return 'read';
      const parsed = parseBool(list);
      if (parsed === undefined) throw new VaultHttpError(400, []);
      return parsed ? 'list' : 'read';
    }
    case 'LIST':
      return 'list';
    case 'POST':
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return 'delete';
    default:
      return undefined;
  }
}

/**
 * sdk/logical/response_util.go (RespondErrorCommon): a list whose answer has no data, or empty
 * `keys`, is a 404 `{"errors":[]}` on every mount, whatever the backend returned.
 */
function isEmptyList(reply: Reply): boolean {
  if (reply.status !== 200 || !reply.body || typeof reply.body !== 'object') return false;
  const data = (reply.body as { data?: unknown }).data;
  if (!data || typeof data !== 'object') return true;
  const entries = Object.keys(data);
  if (entries.length === 0) return true;
  const keys = (data as { keys?: unknown }).keys;
  if (keys === undefined || keys === null) return false;
  return Array.isArray(keys) && keys.length === 0;
}

/**
 * The request pipeline, in Vault's order: faults, path and verb, PATCH content type, seal,
 * token, route, policy, handler. Each step answers with Vault's status and body.
 */
export async function handleRequest(deps: CoreDeps, raw: RawRequest): Promise<Reply> {
  try {
    const url = new URL(raw.url, 'http://vault');
    if (!url.pathname.startsWith('/v1/')) return { status: 404, body: { errors: [] } };
    let path = decodeURIComponent(url.pathname.slice(4));
    const fault = deps.faults.take(raw.method, path);
    if (fault) return fault;
    const op = operationOf(raw.method, url.searchParams);
    if (!op) return { status: 405, body: { errors: [] } };
    if (op === 'list' && !path.endsWith('/')) path += '/';
    const contentType = header(raw, 'content-type') ?? '';
    if (op === 'patch') checkPatchContentType(contentType);
    const body =
      op === 'read' || op === 'list' || op === 'delete'
        ? {}
        : parseBody(raw.body, contentType, op === 'update');
    const namespace = header(raw, 'x-vault-namespace');
    if (namespace) deps.namespacesSeen.add(namespace);

    const { mount, match } = matchRoute(deps.mounts, path);
    if (deps.seal.sealed && !match?.route.whileSealed) throw new VaultHttpError(503, [SEALED]);
    // vault/request_handling.go refuses this before the token is even looked at.
    if (path.endsWith('/') && (op === 'update' || op === 'patch'))
      throw new VaultHttpError(400, ["cannot write to a path ending in '/'"]);

    const req: VaultRequest = {
      method: raw.method,
      path,
      query: url.searchParams,
      body,
      contentType,
      namespace,
      operation: op,
    };
    if (!match?.route.unauthenticated) {
      const bearer = header(raw, 'authorization')?.replace(/^Bearer\s+/i, '');
      const token = deps.tokens.lookup(header(raw, 'x-vault-token') ?? bearer);
      if (!token) throw new VaultHttpError(403, [INVALID_TOKEN]);
      req.token = token;
      if (match?.route.exists && op === 'update' && !match.route.exists(req, match.params))
        req.operation = 'create';
      const policies = token.policies
        .map((name) => deps.policies.get(name))
        .filter((p): p is Policy => p !== undefined);
      const caps = (
        token.policies.includes('root') ? ['root'] : capabilitiesFor(policies, path, { list: op === 'list' })
      ) as string[];
      const allowed =
        caps.includes('root') ||
        match?.route.aclExempt === true ||
        (caps.includes(req.operation) && (!match?.route.sudo || caps.includes('sudo')));
      if (!allowed) throw new VaultHttpError(403, [PERMISSION_DENIED]);
    }
    if (!mount) throw new VaultHttpError(404, [`no handler for route "${path}". route entry not found.`]);
    if (!match) throw unsupportedPath();
    const handler =
      match.route.handlers[req.operation] ??
      (req.operation === 'create' ? match.route.handlers.update : undefined);
    if (!handler) throw unsupportedOperation();
    const reply = await handler(req, match.params);
    return op === 'list' && isEmptyList(reply) ? { status: 404, body: { errors: [] } } : reply;
  } catch (error) {
    if (error instanceof VaultHttpError) return error.reply();
    return { status: 500, body: { errors: [multierror(['internal error'])] } };
  }
}
