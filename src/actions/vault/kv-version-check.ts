import type { ActionContext, CheckResult, Outputs } from '../types.js';
import { locate, shown, vaultPort } from './common.js';

/**
 * For steps that write a KV v2 path: the version it is at before the step, journaled, and on
 * resume whether a newer version exists. No other rotor session holds the rotation lock, so a
 * version after the recorded one is this step's write.
 */
export async function kvVersionBefore(
  p: { path: string; mount?: string },
  ctx: ActionContext,
): Promise<Outputs> {
  const meta = await vaultPort(ctx).kvMetadata(locate(p), { signal: ctx.signal });
  return { version: meta?.currentVersion ?? 0 };
}

/** The current version of a path (0 when it was never written). */
export async function kvCurrentVersion(p: { path: string; mount?: string }, ctx: ActionContext) {
  return (await vaultPort(ctx).kvMetadata(locate(p), { signal: ctx.signal }))?.currentVersion ?? 0;
}

/**
 * Whether the path moved past `recorded` (a check-and-set version or what `before` read).
 * Without either (a journal written before steps recorded it), nobody can tell.
 */
export async function kvWrittenSince(
  p: { path: string; mount?: string },
  ctx: ActionContext,
  recorded: unknown,
): Promise<CheckResult> {
  if (typeof recorded !== 'number' || !Number.isFinite(recorded)) return 'cannot-tell';
  const now = await kvCurrentVersion(p, ctx);
  ctx.log(`${shown(locate(p))} was at version ${recorded} before the step and is at ${now} now`);
  return now > recorded ? 'done' : 'not-done';
}
