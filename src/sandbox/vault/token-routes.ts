import { badRequest, noContent, ok, VaultHttpError } from './envelope.js';
import { boolField, durationSeconds, listField, rfc3339 } from './fields.js';
import { route, type Mount, type VaultRequest } from './routes.js';
import type { TokenEntry, TokenStore } from './tokens.js';

/** `auth/token/lookup-self`'s data for a token. */
export function lookupData(tokens: TokenStore, t: TokenEntry): Record<string, unknown> {
  return {
    accessor: t.accessor,
    creation_time: Math.floor(t.createdAt / 1000),
    creation_ttl: t.ttl,
    display_name: t.displayName,
    entity_id: '',
    expire_time: t.expiresAt ? rfc3339(t.expiresAt) : null,
    explicit_max_ttl: t.explicitMaxTtl,
    id: t.id,
    issue_time: rfc3339(t.createdAt),
    meta: t.meta,
    num_uses: t.numUses,
    orphan: t.orphan,
    path: t.path,
    policies: t.policies,
    renewable: t.renewable,
    ttl: tokens.remaining(t),
    type: 'service',
  };
}

/** The token auth method: look up, renew, create and revoke tokens. */
export function tokenMount(tokens: TokenStore, changed: () => void): Mount {
  const self = (req: VaultRequest) => req.token!;
  const renew = (req: VaultRequest) => {
    const t = self(req);
    if (!t.renewable || t.expiresAt === 0) throw badRequest('lease is not renewable');
    tokens.renew(t, durationSeconds(req.body.increment, 'increment'));
    changed();
    return ok(null, { auth: tokens.authBlock(t) });
  };
  const create = (req: VaultRequest) => {
    const parent = self(req);
    const b = req.body;
    const policies = listField(b.policies) ?? parent.policies.filter((p) => p !== 'default');
    if (!parent.policies.includes('root') && !policies.every((p) => parent.policies.includes(p))) {
      throw badRequest('child policies must be subset of parent');
    }
    const display =
      typeof b.display_name === 'string' && b.display_name ? `token-${b.display_name}` : 'token';
    const t = tokens.create({
      policies,
      ttl: durationSeconds(b.ttl, 'ttl'),
      displayName: display,
      renewable: boolField(b.renewable, 'renewable') ?? true,
      noDefaultPolicy: boolField(b.no_default_policy, 'no_default_policy'),
      explicitMaxTtl: durationSeconds(b.explicit_max_ttl, 'explicit_max_ttl'),
      meta: (b.meta as Record<string, string> | undefined) ?? null,
    });
    changed();
    return ok(null, { auth: tokens.authBlock(t) });
  };
  return {
    path: 'auth/token/',
    type: 'token',
    routes: [
      route('lookup-self', {
        read: (req) => ok(lookupData(tokens, self(req))),
        update: (req) => ok(lookupData(tokens, self(req))),
      }),
      route('renew-self', { update: renew }),
      route('create', { update: create }),
      route('revoke-self', { update: (req) => (tokens.revoke(self(req).id), changed(), noContent()) }),
      route('lookup', {
        // vault/token_store.go handleLookup: no token given means the caller's own; an unknown one
        // is ErrPermissionDenied with the message "bad token", which the HTTP layer sends as 403.
        update: (req) => {
          const given =
            typeof req.body.token === 'string' && req.body.token !== '' ? req.body.token : undefined;
          const t = given === undefined ? self(req) : tokens.lookup(given);
          if (!t) throw new VaultHttpError(403, ['bad token']);
          return ok(lookupData(tokens, t));
        },
      }),
    ],
  };
}
