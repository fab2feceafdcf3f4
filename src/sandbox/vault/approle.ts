import { randomBytes, randomUUID } from 'node:crypto';
import { badRequest, noContent, notFound, ok } from './envelope.js';
import { boolField, durationSeconds, listField } from './fields.js';
import { route, type Mount, type VaultRequest } from './routes.js';
import type { TokenStore } from './tokens.js';

/** An AppRole role and the secret IDs issued for it. */
export interface AppRole {
  roleId: string;
  tokenPolicies: string[];
  tokenTtl: number;
  tokenMaxTtl: number;
  secretIdTtl: number;
  bindSecretId: boolean;
  /** secret id → { accessor, expiresAt (ms, 0 = never) } */
  secretIds: Record<string, { accessor: string; expiresAt: number }>;
}

/** The AppRole auth method at `auth/approle/`. */
export function approleMount(
  roles: Map<string, AppRole>,
  tokens: TokenStore,
  now: () => number,
  changed: () => void,
): Mount {
  const role = (name: string) => {
    const r = roles.get(name);
    if (!r) throw badRequest(`role "${name}" does not exist`);
    return r;
  };
  const write = (req: VaultRequest, p: Record<string, string>) => {
    const b = req.body;
    const prev = roles.get(p.name);
    roles.set(p.name, {
      roleId: prev?.roleId ?? randomUUID(),
      tokenPolicies: listField(b.token_policies ?? b.policies) ?? prev?.tokenPolicies ?? [],
      tokenTtl: durationSeconds(b.token_ttl, 'token_ttl') ?? prev?.tokenTtl ?? 0,
      tokenMaxTtl: durationSeconds(b.token_max_ttl, 'token_max_ttl') ?? prev?.tokenMaxTtl ?? 0,
      secretIdTtl: durationSeconds(b.secret_id_ttl, 'secret_id_ttl') ?? prev?.secretIdTtl ?? 0,
      bindSecretId: boolField(b.bind_secret_id, 'bind_secret_id') ?? prev?.bindSecretId ?? true,
      secretIds: prev?.secretIds ?? {},
    });
    changed();
    return noContent();
  };
  const login = (req: VaultRequest) => {
    const roleId = req.body.role_id;
    if (typeof roleId !== 'string' || roleId === '') throw badRequest('missing role_id');
    const found = [...roles.entries()].find(([, r]) => r.roleId === roleId);
    const secretId = typeof req.body.secret_id === 'string' ? req.body.secret_id : '';
    if (found?.[1].bindSecretId && secretId === '') throw badRequest('missing secret_id');
    const issued = found && secretId ? found[1].secretIds[secretId] : undefined;
    const valid =
      found && (!found[1].bindSecretId || (issued && (issued.expiresAt === 0 || issued.expiresAt > now())));
    if (!found || !valid) throw badRequest('invalid role or secret ID');
    const [name, r] = found;
    const token = tokens.create({
      policies: r.tokenPolicies,
      ttl: r.tokenTtl || undefined,
      explicitMaxTtl: r.tokenMaxTtl,
      displayName: 'approle',
      path: 'auth/approle/login',
      meta: { role_name: name },
      orphan: true,
      renewable: true,
    });
    changed();
    return ok(null, { auth: tokens.authBlock(token) });
  };
  return {
    path: 'auth/approle/',
    type: 'approle',
    routes: [
      route('login', { update: login }, { unauthenticated: true }),
      route('role/', { list: () => ok({ keys: [...roles.keys()].sort() }) }),
      route('role/(?<name>[^/]+)', {
        read: (_req, p) => {
          const r = roles.get(p.name);
          if (!r) throw notFound();
          return ok({
            token_policies: r.tokenPolicies,
            policies: r.tokenPolicies,
            token_ttl: r.tokenTtl,
            token_max_ttl: r.tokenMaxTtl,
            secret_id_ttl: r.secretIdTtl,
            bind_secret_id: r.bindSecretId,
          });
        },
        update: write,
        delete: (_req, p) => (roles.delete(p.name), changed(), noContent()),
      }),
      route('role/(?<name>[^/]+)/role-id', {
        read: (_req, p) => ok({ role_id: role(p.name).roleId }),
        update: (req, p) => {
          if (typeof req.body.role_id !== 'string' || !req.body.role_id) throw badRequest('missing role_id');
          role(p.name).roleId = req.body.role_id;
          changed();
          return noContent();
        },
      }),
      route('role/(?<name>[^/]+)/secret-id', {
        update: (_req, p) => {
          const r = role(p.name);
          const id = randomUUID();
          const accessor = randomBytes(16).toString('hex');
          r.secretIds[id] = { accessor, expiresAt: r.secretIdTtl ? now() + r.secretIdTtl * 1000 : 0 };
          changed();
          return ok({
            secret_id: id,
            secret_id_accessor: accessor,
            secret_id_ttl: r.secretIdTtl,
            secret_id_num_uses: 0,
          });
        },
      }),
    ],
  };
}
