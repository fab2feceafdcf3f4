import { execa } from 'execa';
import { RotorError } from '../errors.js';
import type { Secret } from '../engine/secret.js';

/**
 * `rabbitmqctl change_password <user>` with the password on stdin: process arguments are visible
 * to every local user (ps, /proc), stdin is not. rabbitmqctl reads the password from stdin when
 * the argument is left out, and drops the trailing newline.
 */
export async function changePasswordWithRabbitmqctl(
  name: string,
  password: Secret,
  options: { timeoutMs: number; signal?: AbortSignal },
): Promise<void> {
  const result = await execa('rabbitmqctl', ['change_password', name], {
    input: `${password.reveal()}\n`,
    timeout: options.timeoutMs,
    cancelSignal: options.signal,
    reject: false,
    env: { LANG: 'C.UTF-8' },
  });
  if (result.exitCode === 0 && !result.failed) return;
  const output = `${result.stderr}\n${result.stdout}`;
  if ((result as { code?: string }).code === 'ENOENT' || /ENOENT/.test(String(result.message))) {
    throw new RotorError('rabbitmqctl is not installed on this machine', {
      hint: 'run rotor beside the broker, or bring the management API back; nothing was changed',
    });
  }
  if (result.timedOut) {
    throw new RotorError(
      `rabbitmqctl change_password ${name} did not finish within ${options.timeoutMs} ms`,
      { hint: 'check the node with rabbitmqctl status' },
    );
  }
  if (/does not exist|no_such_user/i.test(output)) {
    throw new RotorError(`RabbitMQ user ${name} does not exist on the local node`, {
      hint: 'check the user name (rabbitmqctl list_users); nothing was changed',
    });
  }
  if (/unable to (connect|perform)|nodedown|erlang cookie/i.test(output)) {
    throw new RotorError('rabbitmqctl could not talk to the local RabbitMQ node', {
      hint: 'is the broker running here, and may this user read its Erlang cookie (run as root or rabbitmq)?',
    });
  }
  // rabbitmqctl's own output never holds the password (it came through stdin), so its last line is safe to show.
  const last = output.trim().split('\n').filter(Boolean).pop() ?? `exit code ${result.exitCode}`;
  throw new RotorError(`rabbitmqctl change_password ${name} failed: ${last}`, {
    hint: 'see rabbitmqctl status and the broker log',
  });
}
