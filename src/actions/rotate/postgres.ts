import { z } from 'zod';
import { RotorError } from '../../errors.js';
import { Secret } from '../../engine/secret.js';
import { postgresCheckLogin } from '../postgres/check-login.js';
import { postgresSetPassword } from '../postgres/set-password.js';
import { postgresLocation } from '../../ports/postgres-url.js';
import {
  allOrNothing,
  compositeCheck,
  drawFor,
  restoreVault,
  snapshot,
  targetRotationParams,
  undoBoth,
  writeVault,
} from './common.js';
import { kvVersionBefore } from '../vault/kv-version-check.js';
import { secretParam } from '../secret-param.js';
import { defineAction, type Outputs } from '../types.js';
import { locate, shown } from '../vault/common.js';
import { compose } from '../compose.js';

/** The actions this composite is made of. */
const setPassword = compose(postgresSetPassword);
const checkLogin = compose(postgresCheckLogin);

export const rotatePostgresParams = z.object({
  ...targetRotationParams,
  /** Admin connection URL (a role allowed to ALTER ROLE). */
  url: secretParam,
  /** The role; default: the secret's `username` field. */
  role: z.string().min(1).optional(),
});

type Params = z.infer<typeof rotatePostgresParams>;

/** host:port/db for the approval; a dry run may not know the URL yet. */
function where(url: string | Secret): string {
  try {
    return postgresLocation(url).where;
  } catch {
    return "the admin URL's server";
  }
}

const setParams = (p: Params, role: string, password: Secret) =>
  setPassword.params({ url: p.url, role, password, timeout_ms: p.timeout_ms });

/**
 * A PostgreSQL credential in one step: Vault first (so no password ever exists only in the
 * database), then ALTER ROLE by verifier, then a login with the new password. Any failure puts
 * back what was done; undo puts back the old verifier and the old Vault version.
 */
export const rotatePostgres = defineAction({
  id: 'rotate.postgres',
  summary:
    'Rotate a PostgreSQL password and its Vault secret together (new value, ALTER ROLE, login check); undo restores both',
  params: rotatePostgresParams,
  outputs: ['version', 'previous_version', 'role', 'password', 'target'],
  changes: true,
  class: 'guarded',
  describe: (p) =>
    `new password for role ${p.role ?? "(the secret's username)"} on ${where(p.url)} and in ${shown(locate(p))}; checked by logging in`,
  async run(p, ctx) {
    const snap = await snapshot(p, ctx, [p.field]);
    const role = p.role ?? snap.plain.username;
    if (!role)
      throw new RotorError(`${shown(locate(p))} has no username field, and no role was given`, {
        hint: 'give the role parameter; nothing was changed',
      });
    const password = drawFor(snap.data[p.field], `${shown(locate(p))} ${p.field}`, ctx);
    let vault: Outputs = {};
    let target: Outputs = {};
    await allOrNothing(
      [
        {
          what: `Vault ${shown(locate(p))}`,
          run: async () => (vault = await writeVault(p, snap.version, { [p.field]: password }, ctx)),
          undo: () => restoreVault(p, vault, ctx),
        },
        {
          what: `ALTER ROLE ${role}`,
          run: async () => (target = await setPassword.run(setParams(p, role, password), ctx)),
          undo: () => setPassword.undo(setParams(p, role, password), target, ctx),
        },
        {
          what: `login as ${role}`,
          run: () =>
            checkLogin.run(checkLogin.params({ url: p.url, role, password, timeout_ms: p.timeout_ms }), ctx),
        },
      ],
      ctx,
    );
    return { version: vault.version, previous_version: vault.previous_version, role, password, target };
  },
  async undo(p, outputs, ctx) {
    // ALTER ROLE's undo needs only the old verifier it kept, not the new password.
    const password =
      outputs.password instanceof Secret ? outputs.password : new Secret('', 'not needed to undo');
    await undoBoth(
      () => setPassword.undo(setParams(p, String(outputs.role), password), outputs.target as Outputs, ctx),
      () => restoreVault(p, outputs, ctx),
    );
  },
  before: (p, ctx) => kvVersionBefore(p, ctx),
  // ALTER ROLE is one statement: the role takes the password Vault holds now, or nothing changed.
  check: (p, ctx, before) =>
    compositeCheck(p, ctx, before, {
      atomic: true,
      check: async (password, data) => {
        const role = p.role ?? (typeof data.username === 'string' ? data.username : undefined);
        return role ? setPassword.check(setParams(p, role, password), ctx) : 'cannot-tell';
      },
    }),
});
