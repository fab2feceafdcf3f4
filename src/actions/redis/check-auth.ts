import { z } from 'zod';
import { RotorError } from '../../errors.js';
import { need } from '../../ports/index.js';
import { connectionParams } from './common.js';
import { asSecret, secretParam } from '../secret-param.js';
import { defineAction } from '../types.js';

const checkAuthParams = z.object({
  nodes: connectionParams.nodes,
  /** The ACL user to log in as; absent means the default user. */
  username: z.string().min(1).optional(),
  password: secretParam,
  /** When given, every node must refuse it. */
  old_password: secretParam.optional(),
  timeout_ms: connectionParams.timeout_ms,
});

/**
 * `redis.check-auth`: Log in to every Redis node with the new password (and prove the old one is
 * refused).
 */
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
