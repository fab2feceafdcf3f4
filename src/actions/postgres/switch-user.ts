import { z } from 'zod';
import { UsageError } from '../../errors.js';
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
import { nameParam } from '../secret-param.js';
import { defineAction } from '../types.js';

/**
 * Zero-downtime rotation with two roles of equal rights (say harmonyflow_a and harmonyflow_b,
 * both members of one group role that owns the privileges). The application uses one of them;
 * the idle one gets the new password, and later steps write the idle role's name and password to
 * Vault and restart the application. The role in use is never touched, so connections that still
 * carry the old credential keep working until the restart has switched every instance.
 */
const switchUserParams = z.object({
  ...adminParams,
  /** The two alternating roles. */
  roles: z.tuple([z.string().min(1), z.string().min(1)]),
  /** The role the application uses now (usually the `username` kept in Vault). */
  current: nameParam,
  password: secretParam,
});

type SwitchUserParams = z.infer<typeof switchUserParams>;

/** The role that is not in use, or a usage error when `current` is not one of the two. */
export function idleRole(p: Pick<SwitchUserParams, 'roles' | 'current'>): string {
  const [a, b] = p.roles;
  if (a === b)
    throw new UsageError(
      `the two alternating roles are both ${a}`,
      'give two different roles, e.g. [harmonyflow_a, harmonyflow_b]',
    );
  if (p.current === a) return b;
  if (p.current === b) return a;
  throw new UsageError(
    `the role in use, ${p.current}, is neither ${a} nor ${b}`,
    'set current to the username the application uses now (from Vault)',
  );
}

/**
 * `postgres.switch-user`: Alternating roles: give the idle role the new password; publish it as
 * the role to switch the application to.
 */
export const postgresSwitchUser = defineAction({
  id: 'postgres.switch-user',
  summary:
    'Alternating roles: give the idle role the new password; publish it as the role to switch the application to',
  params: switchUserParams,
  outputs: ['role', 'previous_role', 'where', 'previous_verifier', 'password_fingerprint'],
  changes: true,
  class: 'guarded',
  describe: (p) => {
    const idle = idleRole(p);
    return `ALTER ROLE ${idle} on ${postgresLocation(p.url).where} (the idle role; ${p.current} stays in use until the application is switched to ${idle})`;
  },
  async run(p, ctx) {
    const idle = idleRole(p);
    const password = asSecret(p.password, 'new password', ctx);
    return withAdmin(p.url, p.timeout_ms, ctx, async (session) => {
      // Both must exist: switching the application to a missing role would take it down.
      await session.verifier(p.current);
      const previous = keepVerifier(await session.verifier(idle), idle, ctx);
      await session.setPassword(idle, password);
      ctx.log(
        `ALTER ROLE ${idle} on ${session.where}: verifier for ${ctx.fingerprint(password)} sent; ${p.current} untouched`,
      );
      return {
        role: idle,
        previous_role: p.current,
        where: session.where,
        previous_verifier: previous,
        password_fingerprint: ctx.fingerprint(password),
      };
    });
  },
  async undo(p, outputs, ctx) {
    const idle = idleRole(p);
    const where = postgresLocation(p.url).where;
    const previous = previousVerifier(outputs, idle, where);
    await withAdmin(p.url, p.timeout_ms, ctx, (session) => session.setVerifier(idle, previous));
    ctx.log(`ALTER ROLE ${idle} on ${where}: previous password put back`);
  },
  async check(p, ctx) {
    return (await accepts(p.url, idleRole(p), p.password, p.timeout_ms, ctx)) ? 'done' : 'not-done';
  },
});
