import {
  INVALID_TOKEN,
  PERMISSION_DENIED,
  SEALED,
  VaultHttpError,
  multierror,
  type Reply,
} from './envelope.js';
import type { FaultTable } from './faults.js';
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

function parseBody(raw: RawRequest): Record<string, unknown> {
  const text = raw.body.toString('utf8').trim();
  if (text === '') return {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch (error) {
    throw new VaultHttpError(400, [`failed to parse JSON input: ${(error as Error).message}`]);
  }
  throw new VaultHttpError(400, ['failed to parse JSON input: expected an object']);
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
    if (op === 'patch' && contentType.split(';')[0].trim().toLowerCase() !== 'application/merge-patch+json') {
      throw new VaultHttpError(415, [
        `PATCH requires Content-Type of application/merge-patch+json, provided ${contentType}`,
      ]);
    }
    const body = op === 'read' || op === 'list' ? {} : parseBody(raw);
    const namespace = header(raw, 'x-vault-namespace');
    if (namespace) deps.namespacesSeen.add(namespace);

    const { mount, match } = matchRoute(deps.mounts, path);
    if (deps.seal.sealed && !match?.route.whileSealed) throw new VaultHttpError(503, [SEALED]);

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
        (caps.includes(req.operation) && (!match?.route.sudo || caps.includes('sudo')));
      if (!allowed) throw new VaultHttpError(403, [PERMISSION_DENIED]);
    }
    if (!mount) throw new VaultHttpError(404, [`no handler for route "${path}". route entry not found.`]);
    if (!match) throw unsupportedPath();
    const handler =
      match.route.handlers[req.operation] ??
      (req.operation === 'create' ? match.route.handlers.update : undefined);
    if (!handler) throw unsupportedOperation();
    return await handler(req, match.params);
  } catch (error) {
    if (error instanceof VaultHttpError) return error.reply();
    return { status: 500, body: { errors: [multierror(['internal error'])] } };
  }
}
