import { RotorError } from '../../errors.js';
import type { Secret } from '../../engine/secret.js';
import { nodeName, prefixed, type NodeChange } from './common.js';
import type { RedisSession } from '../../ports/redis-port.js';
import type { Fingerprints } from '../types.js';

/**
 * The zero-downtime way: an ACL user holds the old and the new password for a while
 * (`ACL SETUSER user >new`), clients move over, and later the old one is removed (`<old`).
 */

/** How a node keeps ACL changes across a restart. */
type Persist = 'acl-save' | 'config-rewrite' | 'none';

/** One node's ACL user before the change, and whether the change has been made. */
export interface AclState {
  /**
   * The session's fingerprints of each password the user held before. ACL GETUSER lists plain
   * sha256 digests, which a list of guesses would match: they are keyed as soon as they are read,
   * since this state is the step's output and so goes to the journal.
   */
  before: string[];
  persist: Persist;
  /** Whether this step added (or removed) the password on this node. */
  done: boolean;
}

/**
 * Reads the user on every node before anything changes. `require` lets a step demand a password
 * be present (the new one, before dropping the old); a missing user or password changes nothing.
 */
export async function prepareAcl(
  sessions: readonly RedisSession[],
  user: string,
  names: Fingerprints,
  require?: { password: Secret; what: string },
): Promise<AclState[]> {
  const states: AclState[] = [];
  const required = require && names.fingerprint(require.password);
  for (const [index, session] of sessions.entries()) {
    const name = `Redis ${nodeName(index, sessions.length, session.where)}`;
    let before: string[] | null;
    let persist: Persist;
    try {
      before = await session.aclPasswordHashes(user);
      const aclFile = await session.aclFile();
      persist = aclFile ? 'acl-save' : (await session.info()).configFile ? 'config-rewrite' : 'none';
    } catch (error) {
      throw prefixed(error, `${name}: `, '; nothing was changed');
    }
    if (before === null) {
      throw new RotorError(`${name} has no ACL user ${user}; nothing was changed`, {
        hint: 'check the user name (ACL LIST on the node shows the users)',
      });
    }
    const held = before.map((hex) => names.fingerprintOfDigest(hex));
    if (require && !held.includes(required!)) {
      throw new RotorError(`${name}: user ${user} does not hold ${require.what}; nothing was changed`, {
        hint: 'run the step that adds the new password first (redis.set-password with mode: acl)',
      });
    }
    states.push({ before: held, persist, done: false });
  }
  return states;
}

async function persist(session: RedisSession, state: AclState): Promise<void> {
  if (state.persist === 'acl-save') await session.aclSave();
  else if (state.persist === 'config-rewrite') await session.rewriteConfig();
}

/** Adds `password` to the user (`>`); revert removes it again, only where this step added it. */
export function aclAdd(user: string, password: Secret, names: Fingerprints): NodeChange<AclState> {
  const mine = names.fingerprint(password);
  return {
    async apply(session, state) {
      if (state.before.includes(mine)) return; // already there: nothing to do, nothing to undo
      await session.aclAddPassword(user, password);
      state.done = true; // after the call: undoing "<new" where it was never set is an error
      await persist(session, state);
    },
    async revert(session, state) {
      if (!state.done) return;
      await session.aclRemovePassword(user, password);
      state.done = false;
      await persist(session, state);
    },
    holds: (state) => (state.done ? [...state.before, mine] : state.before),
  };
}

/** Removes `password` from the user (`<`), only where it is set; revert adds it back. */
export function aclRemove(user: string, password: Secret, names: Fingerprints): NodeChange<AclState> {
  const mine = names.fingerprint(password);
  return {
    async apply(session, state) {
      if (!state.before.includes(mine)) return; // removing an absent password is an error in Redis
      await session.aclRemovePassword(user, password);
      state.done = true;
      await persist(session, state);
    },
    async revert(session, state) {
      if (!state.done) return;
      await session.aclAddPassword(user, password);
      state.done = false;
      await persist(session, state);
    },
    holds: (state) => (state.done ? state.before.filter((h) => h !== mine) : state.before),
  };
}

/** What undo needs from a finished ACL step. */
export function aclUndoRecord(states: readonly AclState[], nodes: readonly string[]) {
  return states.map((s, i) => ({ node: nodes[i], before: s.before, persist: s.persist, done: s.done }));
}

export function aclStatesFromOutputs(record: unknown, nodes: readonly string[]): AclState[] {
  const records = Array.isArray(record) ? (record as AclState[]) : [];
  if (records.length !== nodes.length)
    throw new RotorError(
      'the record of which Redis nodes were changed is missing, so undo cannot tell what to put back',
    );
  return records.map((r) => ({ before: [...r.before], persist: r.persist, done: r.done }));
}
