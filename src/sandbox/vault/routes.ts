import { VaultHttpError, multierror, type Reply } from './envelope.js';
import type { TokenEntry } from './tokens.js';

/** Vault's logical operations; the policy capability each one needs has the same name. */
export type Operation = 'read' | 'create' | 'update' | 'patch' | 'delete' | 'list';

/** One API request after the HTTP layer parsed it. */
export interface VaultRequest {
  method: string;
  /** Path after `/v1/`, without a leading slash or the query. */
  path: string;
  query: URLSearchParams;
  /** The parsed JSON body; `{}` when there was none. */
  body: Record<string, unknown>;
  contentType: string;
  /** The caller's token entry, once the token was checked (absent on unauthenticated routes). */
  token?: TokenEntry;
  namespace?: string;
  operation: Operation;
}

/** Named groups of the route pattern (`keys/(?<name>…)`). */
export type Params = Record<string, string>;

export type Handler = (req: VaultRequest, params: Params) => Reply | Promise<Reply>;

/**
 * One path of a mount, as a Vault backend declares it. PUT/POST arrive as `update`; when the
 * route has an existence check and the item is missing, the operation becomes `create`, which
 * is what policies check (a token with only `update` cannot create a new secret).
 */
export interface Route {
  pattern: RegExp;
  handlers: Partial<Record<Operation, Handler>>;
  exists?: (req: VaultRequest, params: Params) => boolean;
  /** Served without a token (AppRole login, CA certificate). */
  unauthenticated?: boolean;
  /** Served while sealed (health, seal status, unseal). */
  whileSealed?: boolean;
  /** Needs a valid token but no ACL grant on the path itself (the handler checks access). */
  aclExempt?: boolean;
  /** Also needs the `sudo` capability (sys/seal, root-protected paths). */
  sudo?: boolean;
}

/** A mounted engine: its path (`secret/`) and its routes relative to that path. */
export interface Mount {
  path: string;
  type: string;
  routes: Route[];
}

export interface RouteMatch {
  mount: Mount;
  route: Route;
  params: Params;
}

/** Finds the mount (longest prefix wins) and the route for a path. */
export function matchRoute(mounts: readonly Mount[], path: string): { mount?: Mount; match?: RouteMatch } {
  const mount = [...mounts]
    .sort((a, b) => b.path.length - a.path.length)
    .find((m) => path.startsWith(m.path) || `${path}/` === m.path);
  if (!mount) return {};
  const rest = path.slice(mount.path.length);
  for (const route of mount.routes) {
    const m = route.pattern.exec(rest);
    if (m) return { mount, match: { mount, route, params: { ...(m.groups ?? {}) } } };
  }
  return { mount };
}

/** The backend framework's answer for a path no route of the mount serves. */
export const unsupportedPath = (): VaultHttpError =>
  new VaultHttpError(404, [multierror(['unsupported path'])]);
export const unsupportedOperation = (): VaultHttpError =>
  new VaultHttpError(405, [multierror(['unsupported operation'])]);

/** Anchors a route pattern: `route('keys/(?<name>[^/]+)')`. */
export function route(
  pattern: string,
  handlers: Route['handlers'],
  extra: Omit<Route, 'pattern' | 'handlers'> = {},
): Route {
  return { pattern: new RegExp(`^${pattern}$`), handlers, ...extra };
}
