import { z } from 'zod';
import { RotorError, UsageError } from '../../errors.js';
import type { Secret } from '../../engine/secret.js';
import { need } from '../../ports/index.js';
import { aclAdd, aclStatesFromOutputs, aclUndoRecord, prepareAcl } from './acl.js';
import { redisAclDropOld } from './acl-drop-old.js';
import { authFrom, closeAll, connectionParams, openAll, revertEach, rollingChange } from './common.js';
import type { RedisAuth } from '../../ports/redis-port.js';
import {
  prepareRequirepass,
  requirepassChange,
  requirepassStatesFromOutputs,
  requirepassUndoRecord,
} from './requirepass.js';
import { asSecret, secretParam } from '../secret-param.js';
import { defineAction, type ActionContext, type ActionDefinition } from '../types.js';

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

const checkAuthParams = z.object({
  nodes: connectionParams.nodes,
  /** The ACL user to log in as; absent means the default user. */
  username: z.string().min(1).optional(),
  password: secretParam,
  /** When given, every node must refuse it. */
  old_password: secretParam.optional(),
  timeout_ms: connectionParams.timeout_ms,
});

export const redisCheckAuth = defineAction({
  id: 'redis.check-auth',
  summary: 'Log in to every Redis node with the new password (and prove the old one is refused)',
  params: checkAuthParams,
  outputs: ['nodes'],
  changes: false,
  class: 'safe',
  describe: (p) =>
    `AUTH${p.username ? ` as ${p.username}` : ''} on ${p.nodes.length} Redis nodes with the new password${p.old_password ? ', expect the old one to be refused' : ''}; changes nothing`,
  async run(p, ctx) {
    const port = need(ctx.ports, 'redis');
    const options = { timeoutMs: p.timeout_ms, signal: ctx.signal };
    const password = asSecret(p.password, 'new redis password', ctx);
    const old =
      p.old_password === undefined ? undefined : asSecret(p.old_password, 'old redis password', ctx);
    const nodes: Array<{ node: string; new_accepted: boolean; old_refused: boolean | null }> = [];
    const problems: string[] = [];
    // Every node is checked, so the operator sees all that are wrong at once.
    for (const node of p.nodes) {
      try {
        const accepted = await port.tryAuth(node, { username: p.username, password }, options);
        const refused = old
          ? !(await port.tryAuth(node, { username: p.username, password: old }, options))
          : null;
        nodes.push({ node, new_accepted: accepted, old_refused: refused });
        if (!accepted) problems.push(`${node} refuses the new password`);
        if (refused === false) problems.push(`${node} still accepts the old password`);
      } catch (error) {
        problems.push(error instanceof Error ? error.message : String(error));
      }
      ctx.progress(nodes.length, p.nodes.length, 'nodes checked');
    }
    if (problems.length) {
      throw new RotorError(
        `Redis check failed on ${problems.length === 1 ? 'one node' : `${problems.length} checks`}:\n  ${problems.join('\n  ')}`,
        {
          hint: 'the password step did not reach every node; roll back, or set the password on those nodes again',
        },
      );
    }
    ctx.log(`${p.nodes.length} Redis nodes accept the new password${old ? ' and refuse the old one' : ''}`);
    return { nodes };
  },
});

export const redisActions: readonly ActionDefinition[] = [redisSetPassword, redisCheckAuth, redisAclDropOld];
