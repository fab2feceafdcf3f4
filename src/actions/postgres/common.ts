import { z } from 'zod';
import { Secret } from '../../engine/secret.js';
import { RotorError } from '../../errors.js';
import { need } from '../../ports/index.js';
import type { PostgresAdminSession, PostgresTarget } from '../../ports/postgres-port.js';
import { asSecret, secretParam } from '../secret-param.js';
import type { ActionContext } from '../types.js';

export { asSecret, secretParam };

/** The admin URL and timeout every changing postgres action takes. */
export const adminParams = {
  /** Connection URL of a role allowed to ALTER ROLE and read pg_authid (a superuser). */
  url: secretParam,
  timeout_ms: z.coerce.number().int().positive().default(10_000),
};

export function target(url: string | Secret, timeoutMs: number, ctx: ActionContext): PostgresTarget {
  return { url: asSecret(url, 'postgres url', ctx), timeoutMs, signal: ctx.signal };
}

/** True when the role accepts this password now (a login test; the URL's own credential is not used). */
export async function accepts(
  url: string | Secret,
  role: string,
  password: string | Secret,
  timeoutMs: number,
  ctx: ActionContext,
): Promise<boolean> {
  return need(ctx.ports, 'postgres').tryLogin(
    target(url, timeoutMs, ctx),
    role,
    asSecret(password, 'password', ctx),
  );
}

/** Runs `work` with an admin session that is always closed afterwards. */
export async function withAdmin<T>(
  url: string | Secret,
  timeoutMs: number,
  ctx: ActionContext,
  work: (session: PostgresAdminSession) => Promise<T>,
): Promise<T> {
  const session = await need(ctx.ports, 'postgres').admin(target(url, timeoutMs, ctx));
  try {
    return await work(session);
  } finally {
    await session.close();
  }
}

/**
 * The verifier `run` kept for undo. After a resume it is no longer in memory (the journal keeps
 * only a keyed hash), so undo says how to recover instead of guessing.
 */
export function previousVerifier(
  outputs: Record<string, unknown>,
  role: string,
  where: string,
): Secret | null {
  const value = outputs.previous_verifier;
  if (value === null) return null;
  if (value instanceof Secret) return value;
  throw new RotorError(
    `the previous password of role ${role} on ${where} is no longer in memory, so it cannot be put back`,
    {
      hint: "this happens after a resume: set the role's password from the previous Vault version (vault kv get -version=N) instead",
    },
  );
}

/** Rewraps a verifier read from the server so the session's scrubber knows it too. */
export function keepVerifier(verifier: Secret | null, role: string, ctx: ActionContext): Secret | null {
  return verifier === null ? null : ctx.secret(verifier.reveal(), `previous verifier of ${role}`);
}
