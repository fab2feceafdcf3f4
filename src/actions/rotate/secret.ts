import { z } from 'zod';
import { kvRotateParams, kvRotateRandom } from '../vault/kv-rotate-random.js';
import { rotatePostgres, rotatePostgresParams } from './postgres.js';
import { rotateRabbitmq, rotateRabbitParams } from './rabbitmq.js';
import { rotateRedis, rotateRedisParams } from './redis.js';
import { compose, type Composed } from '../compose.js';
import { defineAction } from '../types.js';
import { locate, shown } from '../vault/common.js';

const params = kvRotateParams.extend({
  /** The secret that holds a PostgreSQL role's password, with the admin connection to change it. */
  postgres: rotatePostgresParams.optional(),
  /** The secret that holds the Redis password, with the nodes. */
  redis: rotateRedisParams.optional(),
  /** The secret that holds a RabbitMQ user's password, with the management API. */
  rabbitmq: rotateRabbitParams.optional(),
});

type Params = z.infer<typeof params>;
type Route = { kind: 'kv' | 'postgres' | 'redis' | 'rabbitmq'; action: Composed<unknown>; params: unknown };

/** The rotations a secret may need, by what backs it. */
const rotations = {
  kv: compose(kvRotateRandom),
  postgres: compose(rotatePostgres),
  redis: compose(rotateRedis),
  rabbitmq: compose(rotateRabbitmq),
} as Record<Route['kind'], Composed<unknown>>;

const samePath = (a: { path: string; mount?: string }, b: { path: string; mount?: string }) =>
  shown(locate(a)) === shown(locate(b));

/** Which rotation a path needs: its data store's when it backs one, else a new random value. */
function route(p: Params): Route {
  if (p.postgres && samePath(p, p.postgres))
    return { kind: 'postgres', action: rotations.postgres, params: p.postgres };
  if (p.redis && samePath(p, p.redis)) return { kind: 'redis', action: rotations.redis, params: p.redis };
  if (p.rabbitmq && samePath(p, p.rabbitmq))
    return { kind: 'rabbitmq', action: rotations.rabbitmq, params: p.rabbitmq };
  return { kind: 'kv', action: rotations.kv, params: { path: p.path, mount: p.mount, fields: p.fields } };
}

/**
 * One secret of a fleet-wide rotation, whatever it is: the emergency runbook fans this out over
 * every path in one parallel group, so every secret is one cell of the grid and one undo.
 */
export const rotateSecret = defineAction({
  id: 'rotate.secret',
  summary:
    'Rotate one secret whatever backs it: the PostgreSQL, Redis or RabbitMQ credential it names, or new random values in Vault',
  params,
  outputs: ['kind', 'version', 'previous_version'],
  changes: true,
  class: 'guarded',
  describe: (p) => {
    const r = route(p);
    return r.action.describe(r.params);
  },
  async run(p, ctx) {
    const r = route(p);
    return { kind: r.kind, ...(await r.action.run(r.params, ctx)) };
  },
  async undo(p, outputs, ctx) {
    const r = route(p);
    await r.action.undo(r.params, outputs, ctx);
  },
  // Whatever backs the secret, its own rotation knows how to tell.
  before: async (p, ctx) => {
    const r = route(p);
    return r.action.before(r.params, ctx);
  },
  check: (p, ctx, before) => {
    const r = route(p);
    return r.action.check(r.params, ctx, before);
  },
  async recover(p, recorded, ctx) {
    const r = route(p);
    if (recorded.version !== undefined || !r.action.recover) return recorded;
    return { kind: r.kind, ...(await r.action.recover(r.params, recorded, ctx)) };
  },
});
