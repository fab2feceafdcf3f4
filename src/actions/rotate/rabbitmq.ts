import { z } from 'zod';
import { RotorError } from '../../errors.js';
import { Secret } from '../../engine/secret.js';
import { rabbitmqCheckLogin } from '../rabbitmq/check-login.js';
import { rabbitmqSetPassword } from '../rabbitmq/set-password.js';
import { apiParams, hostPort } from '../rabbitmq/common.js';
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
import { defineAction, type Outputs } from '../types.js';
import { locate, shown } from '../vault/common.js';
import { compose } from '../compose.js';

/** The actions this composite is made of. */
const setPassword = compose(rabbitmqSetPassword);
const checkLogin = compose(rabbitmqCheckLogin);

export const rotateRabbitParams = z.object({
  ...targetRotationParams,
  api_url: apiParams.api_url,
  admin_username: apiParams.admin_username,
  admin_password: apiParams.admin_password,
  /** The user; default: the secret's `username` field. */
  user: z.string().min(1).optional(),
  /** When given, an AMQP login with the new password proves the change. */
  amqp_url: z
    .string()
    .regex(
      /^(amqps?|k8s):\/\//,
      'write it as amqp://host:5672/vhost or k8s://<namespace>/svc/<name>:5672/vhost',
    )
    .optional(),
});

type Params = z.infer<typeof rotateRabbitParams>;

const setParams = (p: Params, user: string, password: Secret, current?: Secret) =>
  setPassword.params({
    api_url: p.api_url,
    admin_username: p.admin_username,
    admin_password: p.admin_password,
    timeout_ms: p.timeout_ms,
    user,
    password,
    current_password: current,
  });

/**
 * A RabbitMQ user's password and its Vault secret in one step: Vault first, then the management
 * API (tags kept), then an AMQP login; undo puts the old password hash and Vault version back.
 */
export const rotateRabbitmq = defineAction({
  id: 'rotate.rabbitmq',
  summary:
    "Rotate a RabbitMQ user's password and its Vault secret together (management API, AMQP check); undo restores both",
  params: rotateRabbitParams,
  outputs: ['version', 'previous_version', 'user', 'password', 'target'],
  changes: true,
  class: 'guarded',
  describe: (p) =>
    `new password for RabbitMQ user ${p.user ?? "(the secret's username)"} at ${hostPort(p.api_url)} and in ${shown(locate(p))}${p.amqp_url ? '; checked by an AMQP login' : ''}`,
  async run(p, ctx) {
    const snap = await snapshot(p, ctx, [p.field]);
    const user = p.user ?? snap.plain.username;
    if (!user)
      throw new RotorError(`${shown(locate(p))} has no username field, and no user was given`, {
        hint: 'give the user parameter; nothing was changed',
      });
    const current = snap.data[p.field];
    const password = drawFor(current, `${shown(locate(p))} ${p.field}`, ctx);
    let vault: Outputs = {};
    let target: Outputs = {};
    const check = p.amqp_url;
    await allOrNothing(
      [
        {
          what: `Vault ${shown(locate(p))}`,
          run: async () => (vault = await writeVault(p, snap.version, { [p.field]: password }, ctx)),
          undo: () => restoreVault(p, vault, ctx),
        },
        {
          what: `RabbitMQ user ${user}`,
          run: async () => (target = await setPassword.run(setParams(p, user, password, current), ctx)),
          undo: () => setPassword.undo(setParams(p, user, password, current), target, ctx),
        },
        ...(check
          ? [
              {
                what: `AMQP login as ${user}`,
                run: () =>
                  checkLogin.run(
                    checkLogin.params({
                      amqp_url: check,
                      user,
                      password,
                      timeout_ms: p.timeout_ms,
                    }),
                    ctx,
                  ),
              },
            ]
          : []),
      ],
      ctx,
    );
    return { version: vault.version, previous_version: vault.previous_version, user, password, target };
  },
  async undo(p, outputs, ctx) {
    // The old hash kept in `target` is what puts the password back; the new one is only a formality here.
    const password =
      outputs.password instanceof Secret ? outputs.password : new Secret('', 'not needed to undo');
    await undoBoth(
      () => setPassword.undo(setParams(p, String(outputs.user), password), outputs.target as Outputs, ctx),
      () => restoreVault(p, outputs, ctx),
    );
  },
  before: (p, ctx) => kvVersionBefore(p, ctx),
  // One user's password hash changes in one request: it matches Vault's value now, or nothing changed.
  check: (p, ctx, before) =>
    compositeCheck(p, ctx, before, {
      atomic: true,
      check: async (password, data) => {
        const user = p.user ?? (typeof data.username === 'string' ? data.username : undefined);
        return user ? setPassword.check(setParams(p, user, password), ctx) : 'cannot-tell';
      },
    }),
});
