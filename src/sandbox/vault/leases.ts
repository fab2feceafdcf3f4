import { badRequest, envelope, noContent, ok } from './envelope.js';
import { durationSeconds, rfc3339 } from './fields.js';
import { route, type Route } from './routes.js';

/** A lease on a dynamic secret. Times are epoch ms. */
export interface Lease {
  id: string;
  issueTime: number;
  expireTime: number;
  lastRenewal: number;
  /** Latest expiry renewals may reach. */
  maxExpireTime: number;
  ttl: number;
  renewable: boolean;
  /** What the engine needs to renew or revoke it (the database role and user). */
  role: string;
  username: string;
}

/** How the engine that issued a lease renews and revokes what it stands for. */
export interface LeaseBackend {
  renew(lease: Lease): Promise<void>;
  revoke(lease: Lease): Promise<void>;
}

/** Leases in force; expired ones are revoked by `sweep`. */
export class LeaseStore {
  leases = new Map<string, Lease>();
  backend?: LeaseBackend;

  constructor(private readonly now: () => number) {}

  add(lease: Lease): void {
    this.leases.set(lease.id, lease);
  }

  /** Revokes leases whose time is up; revocation errors are left for the next sweep. */
  async sweep(): Promise<void> {
    for (const lease of [...this.leases.values()]) {
      if (lease.expireTime <= this.now()) await this.revoke(lease.id).catch(() => undefined);
    }
  }

  async revoke(id: string): Promise<void> {
    const lease = this.leases.get(id);
    if (!lease) return;
    await this.backend?.revoke(lease);
    this.leases.delete(id);
  }

  toJSON(): Lease[] {
    return [...this.leases.values()];
  }

  load(saved: Lease[]): void {
    this.leases = new Map(saved.map((l) => [l.id, l]));
  }
}

const leaseId = (body: Record<string, unknown>): string =>
  typeof body.lease_id === 'string' ? body.lease_id : '';

/** `sys/leases/*` routes (and the older `sys/renew`, `sys/revoke`). */
export function leaseRoutes(store: LeaseStore, now: () => number, changed: () => void): Route[] {
  const renew = async (body: Record<string, unknown>) => {
    const lease = store.leases.get(leaseId(body));
    if (!lease || lease.expireTime <= now()) throw badRequest('lease not found');
    if (!lease.renewable) throw badRequest('lease is not renewable');
    const increment = durationSeconds(body.increment, 'increment') || lease.ttl;
    const expire = Math.min(now() + increment * 1000, lease.maxExpireTime);
    const previous = lease.expireTime;
    lease.expireTime = expire;
    try {
      await store.backend?.renew(lease);
    } catch (error) {
      lease.expireTime = previous;
      throw badRequest(`failed to renew lease: ${(error as Error).message}`);
    }
    lease.lastRenewal = now();
    changed();
    const duration = Math.round((expire - now()) / 1000);
    return {
      status: 200,
      body: envelope(null, { lease_id: lease.id, renewable: true, lease_duration: duration }),
    };
  };
  const revoke = async (body: Record<string, unknown>) => {
    try {
      await store.revoke(leaseId(body));
    } catch (error) {
      throw badRequest(`failed to revoke lease: ${(error as Error).message}`);
    }
    changed();
    return noContent();
  };
  return [
    route('leases/renew', { update: (req) => renew(req.body) }),
    route('renew', { update: (req) => renew(req.body) }),
    route('leases/revoke', { update: (req) => revoke(req.body) }),
    route('revoke', { update: (req) => revoke(req.body) }),
    route(
      'leases/revoke-prefix/(?<prefix>.+)',
      {
        update: async (_req, p) => {
          for (const id of [...store.leases.keys()].filter((i) => i.startsWith(p.prefix)))
            await store.revoke(id);
          changed();
          return noContent();
        },
      },
      { sudo: true },
    ),
    route('leases/lookup', {
      update: (req) => {
        const lease = store.leases.get(leaseId(req.body));
        if (!lease) throw badRequest('invalid lease');
        return ok({
          id: lease.id,
          issue_time: rfc3339(lease.issueTime),
          expire_time: rfc3339(lease.expireTime),
          last_renewal: lease.lastRenewal ? rfc3339(lease.lastRenewal) : null,
          renewable: lease.renewable,
          ttl: Math.max(0, Math.round((lease.expireTime - now()) / 1000)),
        });
      },
    }),
  ];
}
