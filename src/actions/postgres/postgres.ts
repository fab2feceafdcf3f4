import { z } from 'zod';
import { RotorError } from '../../errors.js';
import {
  accepts,
  adminParams,
  asSecret,
  keepVerifier,
  previousVerifier,
  secretParam,
  withAdmin,
} from './common.js';
import { nameParam } from '../secret-param.js';
import { postgresSwitchUser } from './switch-user.js';
import { postgresLocation } from '../../ports/postgres-url.js';
import { defineAction, type ActionDefinition } from '../types.js';

const setPasswordParams = z.object({
  ...adminParams,
  role: z.string().min(1),
  /** The new password; only its SCRAM-SHA-256 verifier leaves this process. */
  password: secretParam,
});

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

const checkLoginParams = z.object({
  /** Any URL of the server; only its host, port and database are used. */
  url: secretParam,
  role: nameParam,
  password: secretParam,
  /** When given, the check also demands that this password is refused now. */
  old_password: secretParam.optional(),
  timeout_ms: z.coerce.number().int().positive().default(10_000),
});

export const postgresCheckLogin = defineAction({
  id: 'postgres.check-login',
  summary: 'Log in as a role with the new password (and prove the old one is refused)',
  params: checkLoginParams,
  outputs: ['role', 'new_accepted', 'old_refused'],
  changes: false,
  class: 'safe',
  describe: (p) =>
    `log in as ${p.role} on ${postgresLocation(p.url).where} with the new password${p.old_password ? ', expect the old one to be refused' : ''}; changes nothing`,
  async run(p, ctx) {
    const where = postgresLocation(p.url).where;
    if (!(await accepts(p.url, p.role, p.password, p.timeout_ms, ctx))) {
      throw new RotorError(`PostgreSQL at ${where} refused role ${p.role} with the new password`, {
        hint: 'the password step did not take effect, or another change followed it; roll back, or set the password again',
      });
    }
    ctx.log(`login as ${p.role} on ${where} with the new password: accepted`);
    let oldRefused: boolean | null = null;
    if (p.old_password !== undefined) {
      oldRefused = !(await accepts(p.url, p.role, p.old_password, p.timeout_ms, ctx));
      if (!oldRefused) {
        throw new RotorError(`PostgreSQL at ${where} still accepts role ${p.role} with the old password`, {
          hint: 'look for a second pg_hba entry with trust or md5 for this role, or a connection pooler caching credentials',
        });
      }
      ctx.log(`login as ${p.role} on ${where} with the old password: refused`);
    }
    return { role: p.role, new_accepted: true, old_refused: oldRefused };
  },
});

export const postgresActions: readonly ActionDefinition[] = [
  postgresSetPassword,
  postgresCheckLogin,
  postgresSwitchUser,
];
