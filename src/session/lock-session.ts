import type { Plan } from '../engine/types.js';
import { RotorError } from '../errors.js';
import { SANDBOX } from './environments.js';
import type { KvPath } from '../vault-path/index.js';
import type { LockNonce } from './lock-nonce.js';
import { LockHeldError, VaultLocks } from './locks.js';
import type { World } from './world.js';

const DEFAULT_TTL_MS = 3_600_000;

/** The secrets a plan rotates, as the plan computed them once (its runbook's `rotates`). */
export function lockedPaths(plan: Plan): KvPath[] {
  return plan.rotates;
}

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
): Promise<() => Promise<void>> {
  const vault = world.ports.vault;
  const paths = plan.steps.some((s) => s.changes) ? lockedPaths(plan) : [];
  if (!vault || paths.length === 0) return async () => undefined;
  const ttlMs = Number(env.ROTOR_LOCK_TTL_SECONDS ?? '') * 1000 || DEFAULT_TTL_MS;
  const locks = new VaultLocks(vault, env.ROTOR_VAULT_PREFIX || 'rotor');
  const taken: KvPath[] = [];
  try {
    for (const path of paths) {
      await locks.acquire(path, { ...holder, runbook: plan.runbookId }, ttlMs, nonce);
      taken.push(path);
    }
  } catch (error) {
    await Promise.allSettled(taken.map((p) => locks.release(p, nonce)));
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
    await Promise.allSettled(taken.map((p) => locks.release(p, nonce)));
  };
}
