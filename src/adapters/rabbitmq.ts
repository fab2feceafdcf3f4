import amqp from 'amqplib';
import { RotorError } from '../errors.js';
import type { AmqpTarget, RabbitPort } from '../ports/rabbitmq-port.js';
import { getUser, putUser } from './rabbitmq-management.js';
import { changePasswordWithRabbitmqctl } from './rabbitmqctl.js';

/** Host, port and vhost of `amqp://host:port/vhost`; credentials in the URL are ignored. */
function amqpLocation(url: string): { hostname: string; port: number; vhost: string; where: string } {
  const parsed = new URL(url);
  const port = parsed.port ? Number(parsed.port) : parsed.protocol === 'amqps:' ? 5671 : 5672;
  const vhost = parsed.pathname.length > 1 ? decodeURIComponent(parsed.pathname.slice(1)) : '/';
  return { hostname: parsed.hostname, port, vhost, where: `${parsed.hostname}:${port}` };
}

/**
 * Opens and closes one AMQP connection. RabbitMQ answers a wrong password with ACCESS_REFUSED
 * (403); a right password for a user without rights on the vhost fails later with NOT_ALLOWED
 * (530), which still proves the password, so it counts as accepted.
 */
async function amqpLogin(
  target: AmqpTarget,
  username: string,
  password: { reveal(): string },
): Promise<boolean> {
  const { hostname, port, vhost, where } = amqpLocation(target.url);
  const protocol = new URL(target.url).protocol.replace(':', '');
  try {
    const connection = await amqp.connect(
      { protocol, hostname, port, vhost, username, password: password.reveal(), heartbeat: 0 },
      { timeout: target.timeoutMs },
    );
    connection.on('error', () => undefined);
    await connection.close().catch(() => undefined);
    return true;
  } catch (error) {
    const message = String((error as Error).message ?? error);
    if (/ACCESS[-_]REFUSED|403/.test(message)) return false;
    if (/NOT[-_]ALLOWED|530/.test(message)) return true;
    const code = (error as { code?: string }).code;
    throw new RotorError(
      `cannot open an AMQP connection to ${where} as ${username}: ${code ?? 'the connection failed'}`,
      {
        hint:
          code === 'ECONNREFUSED'
            ? 'is the broker running and listening on that port?'
            : 'check the AMQP URL, the network and the broker log',
      },
    );
  }
}

/** RabbitPort over the management HTTP API, rabbitmqctl beside the broker, and amqplib. */
export const rabbitMq: RabbitPort = {
  getUser,
  putUser,
  changePasswordLocally: changePasswordWithRabbitmqctl,
  amqpLogin,
};
