import { z } from 'zod';
import {
  accepts,
  adminParams,
  asSecret,
  keepVerifier,
  previousVerifier,
  secretParam,
  withAdmin,
} from './common.js';
import { postgresLocation } from '../../ports/postgres-url.js';
import { defineAction } from '../types.js';

const setPasswordParams = z.object({
  ...adminParams,
  role: z.string().min(1),
  /** The new password; only its SCRAM-SHA-256 verifier leaves this process. */
  password: secretParam,
});

/** The `postgres.set-password` step kind. */
export const postgresSetPassword = defineAction({
  id: 'postgres.set-password',
  summary:
    "Set a role's password by sending its SCRAM-SHA-256 verifier (never the plaintext); undo puts the old verifier back",
  params: setPasswordParams,
  outputs: ['role', 'where', 'previous_verifier', 'password_fingerprint'],
  changes: true,
  class: 'guarded',
  describe: (p) =>
    `ALTER ROLE ${p.role} on ${postgresLocation(p.url).where} (new password sent as a SCRAM-SHA-256 verifier)`,
  async run(p, ctx) {
    const password = asSecret(p.password, 'new password', ctx);
    return withAdmin(p.url, p.timeout_ms, ctx, async (session) => {
      // Read first: an unknown role or a missing privilege fails here, before anything changes.
      const previous = keepVerifier(await session.verifier(p.role), p.role, ctx);
      await session.setPassword(p.role, password);
      ctx.log(`ALTER ROLE ${p.role} on ${session.where}: verifier for ${ctx.fingerprint(password)} sent`);
      return {
        role: p.role,
        where: session.where,
        previous_verifier: previous,
        password_fingerprint: ctx.fingerprint(password),
      };
    });
  },
  async undo(p, outputs, ctx) {
    const where = postgresLocation(p.url).where;
    const previous = previousVerifier(outputs, p.role, where);
    await withAdmin(p.url, p.timeout_ms, ctx, (session) => session.setVerifier(p.role, previous));
    ctx.log(`ALTER ROLE ${p.role} on ${where}: previous password put back`);
  },
  async check(p, ctx) {
    return (await accepts(p.url, p.role, p.password, p.timeout_ms, ctx)) ? 'done' : 'not-done';
  },
});
