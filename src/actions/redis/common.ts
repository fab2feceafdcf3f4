import { z } from 'zod';
import { RotorError, describeError } from '../../errors.js';
import type { Secret } from '../../engine/secret.js';
import { need } from '../../ports/index.js';
import { asSecret, secretParam } from '../secret-param.js';
import { redisNodesParam } from '../../ports/redis-node.js';
import type { RedisAuth, RedisSession } from '../../ports/redis-port.js';
import type { ActionContext } from '../types.js';

/** The node list and login every redis action takes. */
export const connectionParams = {
  /** Every node, in the order they are changed (the guide's six: redis-cluster-0 … 5). */
  nodes: redisNodesParam,
  /** ACL user rotor logs in as; absent means the default user. */
  auth_username: z.string().min(1).optional(),
  /** Password rotor logs in with: in requirepass mode, the current one. */
  auth_password: secretParam.optional(),
  timeout_ms: z.coerce.number().int().positive().default(5_000),
};

type ConnectionParams = {
  nodes: string[];
  auth_username?: string;
  auth_password?: string | Secret;
  timeout_ms: number;
};

export function authFrom(p: ConnectionParams, ctx: ActionContext): RedisAuth {
  return {
    username: p.auth_username,
    password:
      p.auth_password === undefined ? undefined : asSecret(p.auth_password, 'redis auth password', ctx),
  };
}

/** "node 4 of 6 (10.0.0.4:6379)" */
export function nodeName(index: number, total: number, node: string): string {
  return `node ${index + 1} of ${total} (${node})`;
}

/** Closes every session; never throws. */
export async function closeAll(sessions: readonly RedisSession[]): Promise<void> {
  await Promise.all(sessions.map((s) => s.close()));
}

/**
 * Opens every node before anything changes, so an unreachable node or a refused login fails the
 * step with nothing changed.
 */
export async function openAll(
  nodes: readonly string[],
  auth: RedisAuth,
  p: { timeout_ms: number },
  ctx: ActionContext,
): Promise<RedisSession[]> {
  const port = need(ctx.ports, 'redis');
  const sessions: RedisSession[] = [];
  for (const [index, node] of nodes.entries()) {
    try {
      sessions.push(await port.open(node, auth, { timeoutMs: p.timeout_ms, signal: ctx.signal }));
    } catch (error) {
      await closeAll(sessions);
      throw prefixed(error, `Redis ${nodeName(index, nodes.length, node)}: `, '; nothing was changed');
    }
  }
  return sessions;
}

/** The same error with the node in front, keeping its hint. */
export function prefixed(error: unknown, before: string, after = ''): RotorError {
  const hint = error instanceof RotorError ? error.hint : undefined;
  const message = error instanceof Error ? error.message : String(error);
  return new RotorError(`${before}${message}${after}`, { hint });
}

/** Which password (by fingerprint) a node holds after the step, and how it got there. */
export interface RedisNodeReport {
  node: string;
  /** `changed` holds the new password; `restored` was put back; `unchanged` was never touched. */
  state: 'changed' | 'unchanged' | 'restored' | 'restore-failed';
  /** The session's fingerprints of the passwords the node accepts (`hmac:…`); empty means none. */
  holds: string[];
}

/** One node's change, as a rolling step: apply records what it did so revert undoes exactly that. */
export interface NodeChange<S> {
  apply(session: RedisSession, state: S): Promise<void>;
  revert(session: RedisSession, state: S): Promise<void>;
  /** The fingerprints this node holds given what its state records. */
  holds(state: S): string[];
}

/** A rolling change failed at one node; `nodes` says exactly where each node stands now. */
export class RedisRotationError extends RotorError {
  readonly nodes: RedisNodeReport[];
  constructor(message: string, hint: string | undefined, nodes: RedisNodeReport[], exitCode: number) {
    super(message, { hint, exitCode });
    this.nodes = nodes;
  }
}

export function formatReport(reports: readonly RedisNodeReport[]): string {
  return reports
    .map((r) => `  ${r.node}: ${r.state}, holds ${r.holds.length ? r.holds.join(' + ') : 'no password'}`)
    .join('\n');
}

/**
 * Changes the nodes one after the other. When node k fails, nodes k..1 are put back (k too: it
 * may be half-changed) and the error names node k and lists what every node holds.
 */
export async function rollingChange<S>(
  sessions: readonly RedisSession[],
  states: S[],
  change: NodeChange<S>,
  what: string,
  ctx: ActionContext,
): Promise<RedisNodeReport[]> {
  const total = sessions.length;
  for (let k = 0; k < total; k++) {
    try {
      await change.apply(sessions[k], states[k]);
      ctx.progress(k + 1, total, what);
    } catch (error) {
      const failed = new Set<number>();
      for (let i = k; i >= 0; i--) {
        try {
          await change.revert(sessions[i], states[i]);
        } catch (undoError) {
          failed.add(i);
          ctx.log(
            `could not put back Redis ${nodeName(i, total, sessions[i].where)}: ${describeError(undoError)}`,
          );
        }
      }
      const reports = sessions.map((s, i): RedisNodeReport => ({
        node: s.where,
        state: failed.has(i) ? 'restore-failed' : i < k ? 'restored' : 'unchanged',
        holds: change.holds(states[i]),
      }));
      const putBack =
        k === 0
          ? 'no other node was changed'
          : failed.size
            ? `putting back nodes 1–${k} failed on ${failed.size}`
            : `nodes 1–${k} were put back`;
      throw new RedisRotationError(
        `Redis ${nodeName(k, total, sessions[k].where)} failed (${what}): ${error instanceof Error ? error.message : String(error)}; ${putBack}\n${formatReport(reports)}`,
        error instanceof RotorError ? error.hint : undefined,
        reports,
        failed.size ? 3 : 1,
      );
    }
  }
  return sessions.map((s, i) => ({ node: s.where, state: 'changed', holds: change.holds(states[i]) }));
}

/**
 * Reverts a finished change on every node, last node first, continuing past failures so that as
 * many nodes as possible are put back; the error then lists what each node holds.
 */
export async function revertEach<S>(
  nodes: readonly string[],
  auth: RedisAuth,
  states: S[],
  change: NodeChange<S>,
  what: string,
  p: { timeout_ms: number },
  ctx: ActionContext,
): Promise<RedisNodeReport[]> {
  const port = need(ctx.ports, 'redis');
  const failed = new Map<number, string>();
  for (let i = nodes.length - 1; i >= 0; i--) {
    try {
      const session = await port.open(nodes[i], auth, { timeoutMs: p.timeout_ms, signal: ctx.signal });
      try {
        await change.revert(session, states[i]);
      } finally {
        await session.close();
      }
      ctx.progress(nodes.length - i, nodes.length, `putting back ${what}`);
    } catch (error) {
      failed.set(i, `Redis ${nodeName(i, nodes.length, nodes[i])}: ${describeError(error)}`);
    }
  }
  const reports = nodes.map((node, i): RedisNodeReport => ({
    node,
    state: failed.has(i) ? 'restore-failed' : 'restored',
    holds: change.holds(states[i]),
  }));
  if (failed.size) {
    throw new RedisRotationError(
      `could not put back ${what} on ${failed.size} of ${nodes.length} Redis nodes:\n${[...failed.values()].join('\n')}\n${formatReport(reports)}`,
      'put those nodes back by hand; the others are restored',
      reports,
      3,
    );
  }
  return reports;
}
