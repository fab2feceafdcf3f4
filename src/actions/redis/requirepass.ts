import { Secret } from '../../engine/secret.js';
import { RotorError } from '../../errors.js';
import { nodeName, prefixed, type NodeChange } from './common.js';
import type { RedisNodeInfo, RedisSession } from '../../ports/redis-port.js';
import type { ActionContext, Fingerprints } from '../types.js';

/**
 * The guide's way: CONFIG SET requirepass on every node (it replaces the default user's password
 * at once, no overlap), masterauth where a replica must follow, CONFIG REWRITE where the node was
 * started from a config file so a restart keeps the change.
 */

/** What one node held before, and what has been done to it so far. */
export interface RequirepassState {
  info: RedisNodeInfo;
  previous: Secret | null;
  previousMasterauth: Secret | null;
  /** Whether this node's masterauth is part of the change. */
  withMasterauth: boolean;
  requirepassChanged: boolean;
  masterauthChanged: boolean;
}

/** Which nodes get masterauth: replicas only (the guide), every node (ready for failover), none. */
export type MasterauthScope = 'replicas' | 'all' | 'none';

/** Reads every node's current values before any change; a node that refuses fails with nothing changed. */
export async function prepareRequirepass(
  sessions: readonly RedisSession[],
  scope: MasterauthScope,
  ctx: ActionContext,
): Promise<RequirepassState[]> {
  const states: RequirepassState[] = [];
  for (const [index, session] of sessions.entries()) {
    try {
      const info = await session.info();
      const withMasterauth = scope === 'all' || (scope === 'replicas' && info.role === 'replica');
      const previous = await session.getConfigSecret('requirepass');
      const previousMasterauth = withMasterauth ? await session.getConfigSecret('masterauth') : null;
      states.push({
        info,
        previous: previous && ctx.secret(previous.reveal(), `previous requirepass of ${session.where}`),
        previousMasterauth:
          previousMasterauth &&
          ctx.secret(previousMasterauth.reveal(), `previous masterauth of ${session.where}`),
        withMasterauth,
        requirepassChanged: false,
        masterauthChanged: false,
      });
    } catch (error) {
      throw prefixed(
        error,
        `Redis ${nodeName(index, sessions.length, session.where)}: `,
        '; nothing was changed',
      );
    }
  }
  return states;
}

export function requirepassChange(
  password: Secret,
  rewrite: boolean,
  names: Fingerprints,
): NodeChange<RequirepassState> {
  const persist = async (session: RedisSession, state: RequirepassState) => {
    if (rewrite && state.info.configFile) await session.rewriteConfig();
  };
  return {
    async apply(session, state) {
      // Flags follow confirmed calls: a refused CONFIG SET changed nothing, and reverting it would fail the same way.
      await session.setConfigSecret('requirepass', password);
      state.requirepassChanged = true;
      if (state.withMasterauth) {
        await session.setConfigSecret('masterauth', password);
        state.masterauthChanged = true;
      }
      await persist(session, state);
    },
    async revert(session, state) {
      if (state.masterauthChanged) {
        await session.setConfigSecret('masterauth', state.previousMasterauth);
        state.masterauthChanged = false;
      }
      if (state.requirepassChanged) {
        await session.setConfigSecret('requirepass', state.previous);
        state.requirepassChanged = false;
      }
      await persist(session, state);
    },
    holds: (state) =>
      state.requirepassChanged
        ? [names.fingerprint(password)]
        : state.previous
          ? [names.fingerprint(state.previous)]
          : [],
  };
}

/** What undo needs, as step outputs (the secrets stay wrapped). */
export function requirepassUndoRecord(states: readonly RequirepassState[], nodes: readonly string[]) {
  return states.map((s, i) => ({
    node: nodes[i],
    role: s.info.role,
    config_file: s.info.configFile,
    requirepass: s.previous,
    masterauth: s.previousMasterauth,
    masterauth_changed: s.withMasterauth,
  }));
}

/** Rebuilds the states of a finished change from its outputs, so undo can revert every node. */
export function requirepassStatesFromOutputs(
  previous: unknown,
  nodes: readonly string[],
): RequirepassState[] {
  const records = Array.isArray(previous) ? previous : [];
  const secretOrNull = (value: unknown) => value === null || value instanceof Secret;
  if (
    records.length !== nodes.length ||
    !records.every((r) => secretOrNull(r?.requirepass) && secretOrNull(r?.masterauth))
  ) {
    throw new RotorError('the previous Redis passwords are no longer in memory, so they cannot be put back', {
      hint: 'this happens after a resume: set requirepass from the previous Vault version on every node by hand',
    });
  }
  return records.map((r) => ({
    info: { role: r.role, configFile: r.config_file },
    previous: r.requirepass,
    previousMasterauth: r.masterauth,
    withMasterauth: r.masterauth_changed,
    requirepassChanged: true,
    masterauthChanged: r.masterauth_changed,
  }));
}
