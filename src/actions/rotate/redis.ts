import { z } from 'zod';
import { RotorError } from '../../errors.js';
import { Secret } from '../../engine/secret.js';
import { redisCheckAuth } from '../redis/check-auth.js';
import { redisSetPassword } from '../redis/set-password.js';
import { redisNodeParam } from '../../ports/redis-node.js';
import {
  allOrNothing,
  compositeCheck,
  drawFor,
  restoreVault,
  snapshot,
  targetRotationParams,
  undoBoth,
  writeVault,
} from './common.js';
import { kvVersionBefore } from '../vault/kv-version-check.js';
import { defineAction, type Outputs } from '../types.js';
import { locate, shown } from '../vault/common.js';
import { compose } from '../compose.js';

/** The actions this composite is made of. */
const setPassword = compose(redisSetPassword);
const checkAuth = compose(redisCheckAuth);

/** Nodes as a list, or as the `nodes` input writes them: "host:port,host:port". */
const nodesParam = z.preprocess(
  (v) =>
    typeof v === 'string'
      ? v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : v,
  z.array(redisNodeParam).min(1),
);

export const rotateRedisParams = z.object({
  ...targetRotationParams,
  nodes: nodesParam,
  masterauth: z.enum(['replicas', 'all', 'none']).default('replicas'),
  persist: z.boolean().default(true),
});

type Params = z.infer<typeof rotateRedisParams>;

/** requirepass mode, logged in with the password Vault holds now (the one every node accepts). */
const setParams = (p: Params, password: Secret, current?: Secret) =>
  setPassword.params({
    nodes: p.nodes,
    mode: 'requirepass',
    password,
    auth_password: current,
    masterauth: p.masterauth,
    persist: p.persist,
    timeout_ms: p.timeout_ms,
  });

/**
 * The Redis password of every node and its Vault secret in one step, the guide's way
 * (requirepass: no overlap, fitting a suspected compromise). Vault first, then the nodes one by
 * one, then AUTH on each with the new password; a failure puts back what was done.
 */
export const rotateRedis = defineAction({
  id: 'rotate.redis',
  summary:
    'Rotate the Redis password on every node and its Vault secret together (requirepass, AUTH check); undo restores both',
  params: rotateRedisParams,
  outputs: ['version', 'previous_version', 'password', 'target'],
  changes: true,
  class: 'guarded',
  describe: (p) => {
    // A dry run may hand over the nodes still as text (‹env.…›).
    const nodes = Array.isArray(p.nodes) ? p.nodes : String(p.nodes).split(',');
    return `new requirepass on ${nodes.length} Redis node(s) (${nodes.join(', ')}) and in ${shown(locate(p))}; checked by AUTH on each`;
  },
  async run(p, ctx) {
    const snap = await snapshot(p, ctx, [p.field]);
    const current = snap.data[p.field];
    if (!current)
      throw new RotorError(`${shown(locate(p))} has no field ${p.field}`, {
        hint: 'give the field that holds the Redis password; nothing was changed',
      });
    const password = drawFor(current, `${shown(locate(p))} ${p.field}`, ctx);
    let vault: Outputs = {};
    let target: Outputs = {};
    await allOrNothing(
      [
        {
          what: `Vault ${shown(locate(p))}`,
          run: async () => (vault = await writeVault(p, snap.version, { [p.field]: password }, ctx)),
          undo: () => restoreVault(p, vault, ctx),
        },
        {
          what: 'Redis requirepass',
          run: async () => (target = await setPassword.run(setParams(p, password, current), ctx)),
          undo: () => setPassword.undo(setParams(p, password), target, ctx),
        },
        {
          what: 'Redis AUTH with the new password',
          run: () =>
            checkAuth.run(checkAuth.params({ nodes: p.nodes, password, timeout_ms: p.timeout_ms }), ctx),
        },
      ],
      ctx,
    );
    return { version: vault.version, previous_version: vault.previous_version, password, target };
  },
  async undo(p, outputs, ctx) {
    const putBackNodes = async () => {
      if (!(outputs.password instanceof Secret)) {
        throw new RotorError(
          'the new Redis password is no longer in memory (the session was resumed), so rotor cannot log in to put the old one back',
          {
            hint: 'set requirepass on every node from the previous Vault version by hand',
          },
        );
      }
      await setPassword.undo(setParams(p, outputs.password), outputs.target as Outputs, ctx);
    };
    await undoBoth(putBackNodes, () => restoreVault(p, outputs, ctx));
  },
  before: (p, ctx) => kvVersionBefore(p, ctx),
  // The nodes change one by one: every node takes Vault's value (done), or some may and some may
  // not, which only an operator can sort out (the old password is in the previous Vault version).
  check: (p, ctx, before) =>
    compositeCheck(p, ctx, before, {
      atomic: false,
      check: (password) => setPassword.check(setParams(p, password), ctx),
    }),
});
