import { badRequest, noContent, notFound, ok, type Reply } from './envelope.js';
import { boolField, intField, listField } from './fields.js';
import { capabilitiesFor, parsePolicy, type Policy } from './policies.js';
import { route, type Route, type VaultRequest } from './routes.js';
import type { SealState } from './seal.js';

/** What the sys routes act on. */
export interface SysDeps {
  seal: SealState;
  policies: Map<string, Policy>;
  now(): number;
  changed(): void;
}

function healthReply(seal: SealState, req: VaultRequest, now: number): Reply {
  const code = (name: string, fallback: number) =>
    intField(req.query.get(name) ?? undefined, name) ?? fallback;
  const status = seal.sealed ? code('sealedcode', 503) : code('activecode', 200);
  return { status, body: seal.health(now) };
}

function policyOf(req: VaultRequest, name: string): Policy {
  const text = req.body.policy ?? req.body.rules;
  if (typeof text !== 'string' || text.trim() === '')
    throw badRequest("'policy' parameter not supplied or empty");
  if (name === 'root') throw badRequest('cannot update "root" policy');
  return parsePolicy(name, text);
}

/** `sys/` routes for the seal, health, policies and capability checks. */
export function sysRoutes(deps: SysDeps): Route[] {
  const setPolicy = (req: VaultRequest, p: Record<string, string>) => {
    deps.policies.set(p.name, policyOf(req, p.name));
    deps.changed();
    return noContent();
  };
  const deletePolicy = (_req: VaultRequest, p: Record<string, string>) => {
    if (p.name === 'default' || p.name === 'root') throw badRequest(`cannot delete "${p.name}" policy`);
    deps.policies.delete(p.name);
    deps.changed();
    return noContent();
  };
  const readPolicy = (p: Record<string, string>) => {
    const policy = deps.policies.get(p.name);
    if (!policy) throw notFound();
    return policy;
  };
  const names = () => ok({ keys: [...deps.policies.keys()].sort() });
  return [
    route(
      'health',
      { read: (req) => healthReply(deps.seal, req, deps.now()) },
      { unauthenticated: true, whileSealed: true },
    ),
    route(
      'seal-status',
      { read: () => ({ status: 200, body: deps.seal.status() }) },
      { unauthenticated: true, whileSealed: true },
    ),
    route(
      'unseal',
      {
        update: (req) => {
          if (boolField(req.body.reset, 'reset')) {
            // http/sys_seal.go: resetting an unsealed Vault is refused, not ignored.
            if (!deps.seal.sealed) throw badRequest('vault is unsealed');
            deps.seal.reset();
          } else if (typeof req.body.key !== 'string' || req.body.key === '') {
            throw badRequest("'key' must be specified in request body as JSON, or 'reset' set to true");
          } else deps.seal.submit(req.body.key);
          return { status: 200, body: deps.seal.status() };
        },
      },
      { unauthenticated: true, whileSealed: true },
    ),
    route('seal', { update: () => (deps.seal.seal(), noContent()) }, { sudo: true }),
    route('policies/acl/', { list: names }),
    route('policies/acl/(?<name>[^/]+)', {
      read: (_req, p) => ok({ name: p.name, policy: readPolicy(p).text }),
      update: setPolicy,
      delete: deletePolicy,
    }),
    route('policy', {
      read: () => ok({ keys: [...deps.policies.keys()].sort(), policies: [...deps.policies.keys()].sort() }),
    }),
    route('policy/(?<name>[^/]+)', {
      read: (_req, p) => ok({ name: p.name, rules: readPolicy(p).text }),
      update: setPolicy,
      delete: deletePolicy,
    }),
    route('capabilities-self', {
      update: (req) => {
        const paths = listField(req.body.paths) ?? listField(req.body.path) ?? [];
        if (paths.length === 0) throw badRequest('missing paths');
        const policies = (req.token?.policies ?? [])
          .map((n) => deps.policies.get(n))
          .filter((p): p is Policy => p !== undefined);
        const data: Record<string, string[]> = {};
        const root = req.token?.policies.includes('root');
        for (const path of paths)
          data[path] = root ? ['root'] : capabilitiesFor(policies, path, { list: true });
        if (paths.length === 1) data.capabilities = data[paths[0]];
        return ok(data);
      },
    }),
  ];
}
