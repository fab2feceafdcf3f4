import { z } from 'zod';
import { RotorError } from '../../errors.js';
import { accepts, secretParam } from './common.js';
import { nameParam } from '../secret-param.js';
import { postgresLocation } from '../../ports/postgres-url.js';
import { defineAction } from '../types.js';

const checkLoginParams = z.object({
  /** Any URL of the server; only its host, port and database are used. */
  url: secretParam,
  role: nameParam,
  password: secretParam,
  /** When given, the check also demands that this password is refused now. */
  old_password: secretParam.optional(),
  timeout_ms: z.coerce.number().int().positive().default(10_000),
});

/** `postgres.check-login`: Log in as a role with the new password (and prove the old one is refused). */
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
