import { z } from 'zod';
import { aclRemove, aclStatesFromOutputs, aclUndoRecord, prepareAcl } from './redis-acl.js';
import { authFrom, closeAll, connectionParams, openAll, revertEach, rollingChange } from './redis-common.js';
import { asSecret, secretParam } from './secret-param.js';
import { defineAction } from './types.js';

const dropParams = z.object({
  ...connectionParams,
  user: z.string().min(1),
  /** The new password: every node must hold it before the old one goes, or the user is locked out. */
  password: secretParam,
  old_password: secretParam,
});

/**
 * Ends the overlap of an ACL rotation: removes the old password (`ACL SETUSER user <old`) where
 * ACL GETUSER shows it, after checking every node holds the new one. Undo adds the old one back,
 * which Redis allows, so this is not a point of no return.
 */
export const redisAclDropOld = defineAction({
  id: 'redis.acl-drop-old',
  summary: 'Remove the old password of a Redis ACL user on every node, once clients use the new one',
  params: dropParams,
  outputs: ['nodes', 'previous'],
  changes: true,
  class: 'guarded',
  describe: (p) =>
    `${p.nodes.length} Redis nodes: ACL SETUSER ${p.user} <(old password), where it is still set: ${p.nodes.join(', ')}`,
  async run(p, ctx) {
    const password = asSecret(p.password, 'new redis password', ctx);
    const old = asSecret(p.old_password, 'old redis password', ctx);
    const sessions = await openAll(p.nodes, authFrom(p, ctx), p, ctx);
    try {
      const states = await prepareAcl(sessions, p.user, ctx, { password, what: 'the new password' });
      const nodes = await rollingChange(
        sessions,
        states,
        aclRemove(p.user, old, ctx),
        `ACL SETUSER ${p.user} <old`,
        ctx,
      );
      for (const [i, n] of nodes.entries())
        ctx.log(
          `${n.node}: ${states[i].done ? 'old password removed' : 'old password was not set'}; ${p.user} holds ${n.holds.join(' + ')}`,
        );
      return { nodes, previous: aclUndoRecord(states, p.nodes) };
    } finally {
      await closeAll(sessions);
    }
  },
  async undo(p, outputs, ctx) {
    const old = asSecret(p.old_password, 'old redis password', ctx);
    await revertEach(
      p.nodes,
      authFrom(p, ctx),
      aclStatesFromOutputs(outputs.previous, p.nodes),
      aclRemove(p.user, old, ctx),
      `the old password of ${p.user}`,
      p,
      ctx,
    );
  },
});
