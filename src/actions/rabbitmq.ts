import { z } from 'zod';
import { RotorError } from '../errors.js';
import { Secret } from '../engine/secret.js';
import { need } from './ports.js';
import {
  apiParams,
  asSecret,
  besideTheBroker,
  hostPort,
  isUnreachable,
  rabbitApi,
  rabbitHashMatches,
  secretParam,
} from './rabbitmq-common.js';
import type { RabbitPort } from './rabbitmq-port.js';
import { defineAction, type ActionContext, type ActionDefinition } from './types.js';

const setPasswordParams = z.object({
  ...apiParams,
  user: z.string().min(1),
  password: secretParam,
  /** The password now in use: lets the rabbitmqctl fallback be undone, which has no hash to put back. */
  current_password: secretParam.optional(),
  /** When the API is unreachable and its URL points at this machine, use rabbitmqctl instead. */
  fallback: z.enum(['rabbitmqctl', 'none']).default('rabbitmqctl'),
});

type SetPasswordParams = z.infer<typeof setPasswordParams>;

function canFallBack(p: SetPasswordParams): boolean {
  return p.fallback === 'rabbitmqctl' && besideTheBroker(p.api_url);
}

/** Sets `password` through rabbitmqctl after the API failed to answer; demands a way back first. */
async function fallBack(
  p: SetPasswordParams,
  error: RotorError,
  password: Secret,
  ctx: ActionContext,
  port: RabbitPort,
): Promise<void> {
  if (!canFallBack(p)) {
    const why =
      p.fallback === 'rabbitmqctl'
        ? 'the rabbitmqctl fallback is only used when api_url points at this machine'
        : undefined;
    throw new RotorError(error.message, { hint: [error.hint, why].filter(Boolean).join('; ') });
  }
  ctx.log(`${error.message}; using rabbitmqctl change_password on this machine (password on stdin)`);
  await port.changePasswordLocally(p.user, password, { timeoutMs: p.timeout_ms, signal: ctx.signal });
}

export const rabbitmqSetPassword = defineAction({
  id: 'rabbitmq.set-password',
  summary:
    "Change a RabbitMQ user's password through the management API (tags kept), or rabbitmqctl beside the broker; undo puts the old hash back",
  params: setPasswordParams,
  outputs: ['user', 'via', 'tags', 'previous', 'password_fingerprint'],
  changes: true,
  class: 'guarded',
  describe: (p) =>
    `RabbitMQ user ${p.user} at ${hostPort(p.api_url)}: new password via PUT /api/users/${p.user} (tags kept)` +
    (canFallBack(p) ? '; rabbitmqctl change_password on this machine if the API is unreachable' : ''),
  async run(p, ctx) {
    const port = need(ctx.ports, 'rabbitmq');
    const api = rabbitApi(p, ctx);
    const password = asSecret(p.password, 'new rabbitmq password', ctx);
    const base = { user: p.user, password_fingerprint: ctx.fingerprint(password) };
    try {
      const existing = await port.getUser(api, p.user);
      if (!existing)
        throw new RotorError(`RabbitMQ user ${p.user} does not exist at ${hostPort(p.api_url)}`, {
          hint: 'check the user name (rabbitmqctl list_users); nothing was changed',
        });
      await port.putUser(api, p.user, { tags: existing.tags, password });
      ctx.log(
        `PUT /api/users/${p.user} at ${hostPort(p.api_url)}: new password ${ctx.fingerprint(password)}, tags [${existing.tags.join(', ')}] kept`,
      );
      const previous = {
        password_hash: ctx.secret(existing.passwordHash.reveal(), `previous hash of ${p.user}`),
        hashing_algorithm: existing.hashingAlgorithm,
      };
      return { ...base, via: 'management-api', tags: existing.tags, previous };
    } catch (error) {
      if (!isUnreachable(error)) throw error;
      if (canFallBack(p) && p.current_password === undefined) {
        throw new RotorError(
          `${error.message}; the rabbitmqctl fallback was not used because nothing could undo it`,
          {
            hint: 'give current_password (the password in use now), or bring the management API back; nothing was changed',
          },
        );
      }
      await fallBack(p, error, password, ctx, port);
      return { ...base, via: 'rabbitmqctl', tags: null, previous: null };
    }
  },
  async undo(p, outputs, ctx) {
    const port = need(ctx.ports, 'rabbitmq');
    const api = rabbitApi(p, ctx);
    const previous = outputs.previous as { password_hash?: unknown; hashing_algorithm?: string } | null;
    const current =
      p.current_password === undefined
        ? undefined
        : asSecret(p.current_password, 'previous rabbitmq password', ctx);
    if (!(previous?.password_hash instanceof Secret) && !current) {
      throw new RotorError(
        `the previous password of RabbitMQ user ${p.user} is no longer in memory, so it cannot be put back`,
        {
          hint: 'this happens after a resume: set it from the previous Vault version (give current_password), or by hand',
        },
      );
    }
    try {
      const user = await port.getUser(api, p.user);
      if (!user)
        throw new RotorError(`RabbitMQ user ${p.user} no longer exists at ${hostPort(p.api_url)}`, {
          hint: 'someone deleted it since the rotation; recreate it by hand',
        });
      const update =
        previous?.password_hash instanceof Secret
          ? {
              tags: user.tags,
              passwordHash: previous.password_hash,
              hashingAlgorithm: previous.hashing_algorithm ?? user.hashingAlgorithm,
            }
          : { tags: user.tags, password: current! };
      await port.putUser(api, p.user, update);
      ctx.log(`PUT /api/users/${p.user} at ${hostPort(p.api_url)}: previous password put back`);
    } catch (error) {
      if (!isUnreachable(error) || !current) throw error;
      await fallBack(p, error, current, ctx, port);
      ctx.log(`rabbitmqctl change_password ${p.user}: previous password put back`);
    }
  },
  async check(p, ctx) {
    const user = await need(ctx.ports, 'rabbitmq').getUser(rabbitApi(p, ctx), p.user);
    return user &&
      rabbitHashMatches(
        user.passwordHash,
        user.hashingAlgorithm,
        asSecret(p.password, 'new rabbitmq password', ctx),
      )
      ? 'done'
      : 'not-done';
  },
});

const checkLoginParams = z.object({
  /** `amqp://host:5672/vhost`, without credentials. */
  amqp_url: z
    .string()
    .regex(
      /^(amqps?|k8s):\/\//,
      'write it as amqp://host:5672/vhost or k8s://<namespace>/svc/<name>:5672/vhost',
    ),
  user: z.string().min(1),
  password: secretParam,
  /** When given, the broker must refuse it now. */
  old_password: secretParam.optional(),
  timeout_ms: z.coerce.number().int().positive().default(10_000),
});

export const rabbitmqCheckLogin = defineAction({
  id: 'rabbitmq.check-login',
  summary: 'Open an AMQP connection with the new password (and prove the old one is refused)',
  params: checkLoginParams,
  outputs: ['user', 'new_accepted', 'old_refused'],
  changes: false,
  class: 'safe',
  describe: (p) =>
    `AMQP login as ${p.user} at ${hostPort(p.amqp_url)} with the new password${p.old_password ? ', expect the old one to be refused' : ''}; changes nothing`,
  async run(p, ctx) {
    const port = need(ctx.ports, 'rabbitmq');
    const target = { url: p.amqp_url, timeoutMs: p.timeout_ms, signal: ctx.signal };
    const where = hostPort(p.amqp_url);
    if (!(await port.amqpLogin(target, p.user, asSecret(p.password, 'new rabbitmq password', ctx)))) {
      throw new RotorError(`RabbitMQ at ${where} refused ${p.user} with the new password`, {
        hint: 'the password step did not take effect; roll back, or set the password again',
      });
    }
    ctx.log(`AMQP login as ${p.user} at ${where} with the new password: accepted`);
    let oldRefused: boolean | null = null;
    if (p.old_password !== undefined) {
      oldRefused = !(await port.amqpLogin(
        target,
        p.user,
        asSecret(p.old_password, 'old rabbitmq password', ctx),
      ));
      if (!oldRefused)
        throw new RotorError(`RabbitMQ at ${where} still accepts ${p.user} with the old password`, {
          hint: 'is a second auth backend (LDAP, cache) in front of the internal database?',
        });
      ctx.log(`AMQP login as ${p.user} at ${where} with the old password: refused`);
    }
    return { user: p.user, new_accepted: true, old_refused: oldRefused };
  },
});

export const rabbitmqActions: readonly ActionDefinition[] = [rabbitmqSetPassword, rabbitmqCheckLogin];
