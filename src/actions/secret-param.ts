import { z } from 'zod';
import { Secret } from '../engine/secret.js';
import type { ActionContext } from './types.js';

/** A parameter that may hold a secret: a Secret from a secret input or step, or a plain string. */
export const secretParam = z.union([z.string().min(1), z.instanceof(Secret)]);

/**
 * A name (a role, a user) that may come from a Vault secret, where every field arrives masked
 * (`{{ steps.backup.data.username }}`): a name is no credential, so the action gets the text.
 */
export const nameParam = z
  .union([z.string().min(1), z.instanceof(Secret)])
  .transform((v) => (v instanceof Secret ? v.reveal() : v))
  .pipe(z.string().min(1));

/** Wraps a plain-string parameter so it is masked from here on like any other secret. */
export function asSecret(value: string | Secret, label: string, ctx: ActionContext): Secret {
  return value instanceof Secret ? value : ctx.secret(value, label);
}
