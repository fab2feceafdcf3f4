import pMap from 'p-map';
import type { ActionRegistry } from '../actions/index.js';
import { writtenKvPaths } from '../engine/written-kv-paths.js';
import type { Plan } from '../engine/types.js';
import { RotorError } from '../errors.js';
import { SANDBOX } from './environments.js';
import { parseKvPath, type KvPath } from '../vault-path/index.js';
import type { LockNonce } from './lock-nonce.js';
import { LockHeldError, VaultLocks } from './locks.js';
import type { World } from './world.js';

const DEFAULT_TTL_MS = 3_600_000;

/**
 * The secrets a plan rotates, as the plan computed them once (its runbook's `rotates`), and every
 * KV path its changing steps name (`written`, from writtenKvPaths): loading already refuses a
 * runbook whose steps write a secret it does not declare, and this is the last line if one slips
 * through (a path a custom runbook builds in a way the load check cannot follow). Two spellings
 * of one secret are one lock; a refused spelling throws (exit 2) before any lock is taken.
 */
export function lockedPaths(plan: Plan, written: readonly string[] = []): KvPath[] {
  const paths = new Map<string, KvPath>(plan.rotates.map((p) => [p.path, p]));
  for (const text of written) {
    const path = parseKvPath(text, { input: 'the path a step writes' });
    paths.set(path.path, path);
  }
  // A fixed order, so two sessions wanting overlapping sets never wait on each other in a cycle.
  return [...paths.keys()].sort().map((k) => paths.get(k)!);
}

/** Locks taken or released at once: as many as the connections kept to Vault. */
const LOCK_CONCURRENCY = 16;
/**
 * Takes the rotation locks of a session in the environment's Vault before anything runs, renews
 * them while it runs, and returns how to release them. Read-only plans take no lock; a world
 * without Vault has nothing to lock against.
 */
export async function lockSession(
  world: World,
  plan: Plan,
  holder: { session: string; operator: string },
  env: Readonly<Record<string, string | undefined>>,
  nonce: LockNonce,
  actions?: ActionRegistry,
): Promise<() => Promise<void>> {
  const vault = world.ports.vault;
  const written = actions ? writtenKvPaths(plan, actions, env) : [];
  const paths = plan.steps.some((s) => s.changes) ? lockedPaths(plan, written) : [];
  if (!vault || paths.length === 0) return async () => undefined;
  const ttlMs = Number(env.ROTOR_LOCK_TTL_SECONDS ?? '') * 1000 || DEFAULT_TTL_MS;
  const locks = new VaultLocks(vault, env.ROTOR_VAULT_PREFIX || 'rotor');
  const taken: KvPath[] = [];
  try {
    // A few at a time (each is a read and a write): an emergency over 1,000 secrets across a
    // network would otherwise wait 2,000 round trips before its first step. After a refusal no
    // new one starts; those in flight finish, and every lock taken is released below.
    let refused: unknown;
    await pMap(
      paths,
      async (path) => {
        if (refused !== undefined) return;
        try {
          await locks.acquire(path, { ...holder, runbook: plan.runbookId }, ttlMs, nonce);
          taken.push(path);
        } catch (error) {
          refused ??= error;
        }
      },
      { concurrency: LOCK_CONCURRENCY },
    );
    if (refused !== undefined) throw refused;
  } catch (error) {
    await pMap(taken, (p) => locks.release(p, nonce).catch(() => undefined), {
      concurrency: LOCK_CONCURRENCY,
    });
    if (error instanceof LockHeldError)
      throw new LockHeldError(error.secretPath, error.holder, world.environment);
    // Nothing has run yet: say so, and say why, rather than a bare Vault error.
    throw new RotorError(
      `could not take the rotation lock for ${paths.map((p) => p.path).join(', ')}, so nothing was started: ${(error as Error).message}`,
      {
        exitCode: 2,
        // Each sandbox run starts a fresh Vault: there, a sealed one is the rehearsal fault.
        hint:
          world.environment === SANDBOX.name
            ? 'if Vault is sealed, rehearse the recovery: rotor run vault-recovery --env sandbox --fault vault-sealed'
            : `if Vault is sealed, unseal it first: rotor run vault-recovery --env ${world.environment}`,
      },
    );
  }
  const timer = setInterval(
    () => void Promise.allSettled(taken.map((p) => locks.renew(p, nonce, ttlMs))),
    ttlMs / 3,
  );
  timer.unref();
  return async () => {
    clearInterval(timer);
    // Releasing is cleanup: a failure here leaves a lock that expires by itself.
    await pMap(taken, (p) => locks.release(p, nonce).catch(() => undefined), {
      concurrency: LOCK_CONCURRENCY,
    });
  };
}
