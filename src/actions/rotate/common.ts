import { z } from 'zod';
import { RotorError, describeError } from '../../errors.js';
import type { Secret } from '../../engine/secret.js';
import { drawLike, shapeOf, describeShape, looksSecret } from './value-shape.js';
import { kvWrittenSince } from '../vault/kv-version-check.js';
import type { ActionContext, CheckResult, Outputs } from '../types.js';
import { kvLocationParams, locate, shown, vaultPort } from '../vault/common.js';
import { kvPatch } from '../vault/kv-patch.js';
import { compose } from '../compose.js';

/** vault.kv-patch, which every composite writes Vault with. */
const patch = compose(kvPatch);

/**
 * Shared by the composite rotations (`rotate.*`, `vault.kv-rotate-random`): each is ONE step that
 * snapshots a Vault path, changes it (and its data store) and proves the change, all or nothing,
 * so an emergency can fan a thousand of them out in one parallel group.
 */

/** The Vault side of a target rotation: the path and the field that holds the password. */
export const targetRotationParams = {
  ...kvLocationParams,
  field: z.string().min(1).default('password'),
  timeout_ms: z.coerce.number().int().positive().default(10_000),
};

export interface Snapshot {
  version: number;
  /** Credential fields (and any asked for), wrapped. */
  data: Record<string, Secret>;
  /** The other fields (username, host, port) as they are: not credentials, and wrapping them would
   * mask every ordinary word equal to one ("harmonyflow") in every log line of the session. */
  plain: Record<string, string>;
}

/** The current version and data of a path; nothing is copied anywhere (rollback reads the version back). */
export async function snapshot(
  p: { path: string; mount?: string },
  ctx: ActionContext,
  wrap: readonly string[] = [],
): Promise<Snapshot> {
  const at = locate(p);
  const secret = await vaultPort(ctx).kvRead(at, { signal: ctx.signal });
  ctx.log(`${shown(at)} is at version ${secret.version}; rollback will write that version back`);
  const data: Record<string, Secret> = {};
  const plain: Record<string, string> = {};
  for (const [key, value] of Object.entries(secret.data ?? {})) {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    if (looksSecret(key) || wrap.includes(key))
      data[key] = ctx.secret(text, `${shown(at)}@${secret.version}.${key}`);
    else plain[key] = text;
  }
  return { version: secret.version, data, plain };
}

/** A new random value shaped like the old one (hex stays hex, same length), wrapped at once. */
export function drawFor(old: Secret | undefined, label: string, ctx: ActionContext): Secret {
  const shape = shapeOf(old?.reveal() ?? '');
  ctx.log(`${label}: new random value, ${describeShape(shape)}`);
  return ctx.secret(drawLike(shape), label);
}

/** vault.kv-patch's run, with check-and-set against the snapshot. */
export function writeVault(
  p: { path: string; mount?: string },
  cas: number,
  data: Record<string, Secret>,
  ctx: ActionContext,
): Promise<Outputs> {
  return patch.run(patch.params({ path: p.path, mount: p.mount, cas, data }), ctx);
}

/** vault.kv-patch's undo: the snapshot's data written back as a new version (never a delete). */
export async function restoreVault(
  p: { path: string; mount?: string },
  written: Outputs,
  ctx: ActionContext,
): Promise<void> {
  await patch.undo(patch.params({ path: p.path, mount: p.mount, data: {} }), written, ctx);
}

/** One part of a composite change. */
export interface Part {
  what: string;
  run(): Promise<unknown>;
  undo?(): Promise<void>;
}

/**
 * Runs the parts in order. When one fails, the parts already done are undone in reverse, so the
 * step fails with nothing changed (or says exactly what could not be put back).
 */
export async function allOrNothing(parts: readonly Part[], ctx: ActionContext): Promise<void> {
  const done: Part[] = [];
  for (const part of parts) {
    try {
      await part.run();
      done.push(part);
    } catch (error) {
      const stuck: string[] = [];
      for (const earlier of done.reverse()) {
        try {
          await earlier.undo?.();
          if (earlier.undo) ctx.log(`${earlier.what}: put back`);
        } catch (undoError) {
          stuck.push(`${earlier.what}: ${describeError(undoError).split('\n')[0]}`);
        }
      }
      const first = describeError(error).split('\n')[0];
      if (!stuck.length) {
        throw new RotorError(
          `${part.what} failed: ${first}${done.length ? '; the earlier changes were put back' : '; nothing was changed'}`,
          {
            hint: error instanceof RotorError ? error.hint : undefined,
          },
        );
      }
      throw new RotorError(`${part.what} failed: ${first}; and could not put back: ${stuck.join('; ')}`, {
        hint: 'an operator must restore these by hand (the previous Vault version holds the old value)',
      });
    }
  }
}

/** Undoes the target first (it needs the values Vault still names), then restores Vault. */
export async function undoBoth(target: () => Promise<void>, vault: () => Promise<void>): Promise<void> {
  let failure: unknown;
  try {
    await target();
  } catch (error) {
    failure = error;
  }
  await vault();
  if (failure) throw failure;
}

/**
 * A composite rotation's check, from the checks of its parts. Vault is written first, so a
 * version no newer than the one recorded before the step means nothing changed. After the Vault
 * write, the target is asked with the password Vault now holds: it took it (done), or it did not
 * and its change is all or nothing (one role, one user), so Vault is put back and the step runs
 * again from the start; a target changed part way (some Redis nodes) needs an operator.
 */
export async function compositeCheck(
  p: { path: string; mount?: string; field: string },
  ctx: ActionContext,
  before: Outputs | undefined,
  target: { check(password: Secret, data: Record<string, unknown>): Promise<CheckResult>; atomic: boolean },
): Promise<CheckResult> {
  const vault = await kvWrittenSince(p, ctx, before?.version);
  if (vault !== 'done') return vault;
  const at = locate(p);
  const now = await vaultPort(ctx).kvRead(at, { signal: ctx.signal });
  const value = now.data?.[p.field];
  if (typeof value !== 'string') return 'cannot-tell';
  const found = await target.check(ctx.secret(value, `${shown(at)}@${now.version}.${p.field}`), now.data);
  if (found !== 'not-done' || !target.atomic) return found === 'done' ? 'done' : 'cannot-tell';
  await restoreVault(p, { version: now.version, previous_version: Number(before!.version) }, ctx);
  ctx.log(
    `${shown(at)}: the target never took version ${now.version}; version ${String(before!.version)} put back`,
  );
  return 'not-done';
}
