import { z } from 'zod';
import { UsageError } from '../../errors.js';
import type { Secret } from '../../engine/secret.js';
import { need } from '../../ports/index.js';
import { aclAdd, aclStatesFromOutputs, aclUndoRecord, prepareAcl } from './acl.js';
import { authFrom, closeAll, connectionParams, openAll, revertEach, rollingChange } from './common.js';
import type { RedisAuth } from '../../ports/redis-port.js';
import {
  prepareRequirepass,
  requirepassChange,
  requirepassStatesFromOutputs,
  requirepassUndoRecord,
} from './requirepass.js';
import { asSecret, secretParam } from '../secret-param.js';
import { defineAction, type ActionContext } from '../types.js';

const setPasswordParams = z.object({
  ...connectionParams,
  /** `requirepass`: the guide's way, no overlap. `acl`: the user holds old and new for a while. */
  mode: z.enum(['requirepass', 'acl']).default('requirepass'),
  password: secretParam,
  /** The ACL user whose password changes (mode acl). */
  user: z.string().min(1).optional(),
  /** requirepass mode: which nodes also get masterauth. */
  masterauth: z.enum(['replicas', 'all', 'none']).default('replicas'),
  /** CONFIG REWRITE (or ACL SAVE) where the node has a file to write, so a restart keeps the change. */
  persist: z.boolean().default(true),
});

type SetPasswordParams = z.infer<typeof setPasswordParams>;

function aclUser(p: SetPasswordParams): string {
  if (!p.user)
    throw new UsageError(
      'redis.set-password with mode: acl needs the ACL user whose password changes',
      'add user: <name> to the step',
    );
  return p.user;
}

/** After a requirepass change the default user's password is the new one; rotor logs in with that. */
function authAfter(p: SetPasswordParams, password: Secret, ctx: ActionContext): RedisAuth {
  const auth = authFrom(p, ctx);
  return p.mode === 'requirepass' && (!auth.username || auth.username === 'default')
    ? { username: auth.username, password }
    : auth;
}

/**
 * `redis.set-password`: Change the Redis password on every node (requirepass, or an ACL user with
 * two passwords for a while); a failing node puts the earlier ones back.
 */
export const redisSetPassword = defineAction({
  id: 'redis.set-password',
  summary:
    'Change the Redis password on every node (requirepass, or an ACL user with two passwords for a while); a failing node puts the earlier ones back',
  params: setPasswordParams,
  outputs: ['mode', 'nodes', 'password_fingerprint', 'previous'],
  changes: true,
  class: 'guarded',
  describe: (p) =>
    p.mode === 'requirepass'
      ? `${p.nodes.length} Redis nodes: requirepass (CONFIG SET requirepass${p.masterauth === 'none' ? '' : `, masterauth on ${p.masterauth === 'all' ? 'every node' : 'replicas'}`}${p.persist ? ', CONFIG REWRITE where a config file exists' : ''}): ${p.nodes.join(', ')}`
      : `${p.nodes.length} Redis nodes: ACL SETUSER ${aclUser(p)} >(new password), the old one kept until redis.acl-drop-old: ${p.nodes.join(', ')}`,
  async run(p, ctx) {
    const password = asSecret(p.password, 'new redis password', ctx);
    const user = p.mode === 'acl' ? aclUser(p) : undefined;
    const sessions = await openAll(p.nodes, authFrom(p, ctx), p, ctx);
    try {
      if (user === undefined) {
        const states = await prepareRequirepass(sessions, p.masterauth, ctx);
        const nodes = await rollingChange(
          sessions,
          states,
          requirepassChange(password, p.persist, ctx),
          'CONFIG SET requirepass',
          ctx,
        );
        for (const n of nodes) ctx.log(`${n.node}: requirepass set, holds ${n.holds.join(' + ')}`);
        return {
          mode: p.mode,
          nodes,
          password_fingerprint: ctx.fingerprint(password),
          previous: requirepassUndoRecord(states, p.nodes),
        };
      }
      const states = await prepareAcl(sessions, user, ctx);
      const nodes = await rollingChange(
        sessions,
        states,
        aclAdd(user, password, ctx),
        `ACL SETUSER ${user} >new`,
        ctx,
      );
      for (const n of nodes) ctx.log(`${n.node}: user ${user} holds ${n.holds.join(' + ')}`);
      return {
        mode: p.mode,
        nodes,
        password_fingerprint: ctx.fingerprint(password),
        previous: aclUndoRecord(states, p.nodes),
      };
    } finally {
      await closeAll(sessions);
    }
  },
  async undo(p, outputs, ctx) {
    const password = asSecret(p.password, 'new redis password', ctx);
    const auth = authAfter(p, password, ctx);
    const nodes =
      p.mode === 'requirepass'
        ? await revertEach(
            p.nodes,
            auth,
            requirepassStatesFromOutputs(outputs.previous, p.nodes),
            requirepassChange(password, p.persist, ctx),
            'requirepass',
            p,
            ctx,
          )
        : await revertEach(
            p.nodes,
            auth,
            aclStatesFromOutputs(outputs.previous, p.nodes),
            aclAdd(aclUser(p), password, ctx),
            `ACL user ${p.user}`,
            p,
            ctx,
          );
    for (const n of nodes)
      ctx.log(`${n.node}: put back, holds ${n.holds.length ? n.holds.join(' + ') : 'no password'}`);
  },
  async check(p, ctx) {
    const password = asSecret(p.password, 'new redis password', ctx);
    const username = p.mode === 'acl' ? aclUser(p) : undefined;
    for (const node of p.nodes) {
      const ok = await need(ctx.ports, 'redis').tryAuth(
        node,
        { username, password },
        { timeoutMs: p.timeout_ms, signal: ctx.signal },
      );
      if (!ok) return 'not-done';
    }
    return 'done';
  },
});
