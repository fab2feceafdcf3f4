import { join } from 'node:path';
import { execa } from 'execa';
import { RotorError } from '../errors.js';
import type { Secret } from '../engine/secret.js';
import { childEnvironment } from './child-env.js';
import { scriptAccess } from './script-trust.js';

/**
 * Where rabbitmqctl is looked for: the folders packages install it to, never PATH, so a
 * `rabbitmqctl` placed first on PATH is not handed the new password.
 */
export const RABBITMQCTL_FOLDERS: readonly string[] = [
  '/usr/sbin',
  '/usr/bin',
  '/sbin',
  '/bin',
  '/usr/local/sbin',
  '/usr/local/bin',
  '/usr/lib/rabbitmq/bin',
  '/opt/rabbitmq/sbin',
];

/** The first rabbitmqctl in `folders` that rotor may run (see script-trust.ts), or undefined. */
async function findRabbitmqctl(folders: readonly string[]): Promise<string | undefined> {
  for (const folder of folders) {
    const path = join(folder, 'rabbitmqctl');
    if ((await scriptAccess(path)) === 'ok') return path;
  }
  return undefined;
}

/**
 * `rabbitmqctl change_password <user>` with the password on stdin: process arguments are visible
 * to every local user (ps, /proc), stdin is not. rabbitmqctl reads the password from stdin when
 * the argument is left out, and drops the trailing newline.
 */
export async function changePasswordWithRabbitmqctl(
  name: string,
  password: Secret,
  options: { timeoutMs: number; signal?: AbortSignal; folders?: readonly string[] },
): Promise<void> {
  const folders = options.folders ?? RABBITMQCTL_FOLDERS;
  const binary = await findRabbitmqctl(folders);
  if (!binary) {
    throw new RotorError(`rabbitmqctl is not installed on this machine (looked in ${folders.join(', ')})`, {
      hint: 'run rotor beside the broker, or bring the management API back; nothing was changed (a rabbitmqctl that others may write is not used)',
    });
  }
  const result = await execa(binary, ['change_password', name], {
    input: `${password.reveal()}\n`,
    timeout: options.timeoutMs,
    cancelSignal: options.signal,
    reject: false,
    // The same allowlist as rotation scripts: VAULT_TOKEN and ROTOR_INPUT_* stay in rotor. PATH is
    // the system's too: the packaged rabbitmqctl is a shell wrapper that calls id, sed, su and erl
    // by name while the password waits on stdin, so the operator's PATH must not choose them.
    env: childEnvironment({ LANG: 'C.UTF-8', PATH: RABBITMQCTL_FOLDERS.join(':') }),
    extendEnv: false,
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
