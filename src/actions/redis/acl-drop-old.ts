import { z } from 'zod';
import { aclRemove, aclStatesFromOutputs, aclUndoRecord, prepareAcl } from './acl.js';
import { authFrom, closeAll, connectionParams, openAll, revertEach, rollingChange } from './common.js';
import { asSecret, secretParam } from '../secret-param.js';
import { defineAction, type ActionContext } from '../types.js';

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
  // ACL GETUSER on every node says where the old password is still set: removing it there again
  // is what run does (it skips nodes without it), so only "gone everywhere" means done.
  async check(p, ctx) {
    const old = ctx.fingerprint(asSecret(p.old_password, 'old redis password', ctx));
    const held = await heldOnEachNode(p, ctx);
    return held.some((node) => node.includes(old)) ? 'not-done' : 'done';
  },
  // After a kill past the change: each node's record for undo, rebuilt from what it holds now
  // plus the old password this step removed.
  async recover(p, recorded, ctx) {
    if (recorded.previous !== undefined) return recorded;
    const old = ctx.fingerprint(asSecret(p.old_password, 'old redis password', ctx));
    const sessions = await openAll(p.nodes, authFrom(p, ctx), p, ctx);
    try {
      const states = await prepareAcl(sessions, p.user, ctx);
      const previous = states.map((s) => ({ ...s, before: [...s.before, old], done: true }));
      return {
        nodes: p.nodes.map((node, i) => ({ node, holds: states[i].before })),
        previous: aclUndoRecord(previous, p.nodes),
      };
    } finally {
      await closeAll(sessions);
    }
  },
});

/** The session's fingerprints of the passwords the user holds, per node (ACL GETUSER). */
async function heldOnEachNode(p: z.infer<typeof dropParams>, ctx: ActionContext): Promise<string[][]> {
  const sessions = await openAll(p.nodes, authFrom(p, ctx), p, ctx);
  try {
    const states = await prepareAcl(sessions, p.user, ctx);
    return states.map((s) => s.before);
  } finally {
    await closeAll(sessions);
  }
}
