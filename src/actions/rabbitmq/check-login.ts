import { z } from 'zod';
import { RotorError } from '../../errors.js';
import { need } from '../../ports/index.js';
import { asSecret, hostPort, secretParam } from './common.js';
import { defineAction } from '../types.js';

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

/**
 * `rabbitmq.check-login`: Open an AMQP connection with the new password (and prove the old one is
 * refused).
 */
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
