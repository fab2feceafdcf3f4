// Finding 9 of the security review: the rabbitmqctl fallback ran whatever `rabbitmqctl` came first
// on PATH, with rotor's whole environment (VAULT_TOKEN, ROTOR_INPUT_ADMIN_PASSWORD), and took any
// host starting with "127." (127.attacker.example) for this machine.
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { besideTheBroker } from '../../src/actions/rabbitmq/common.js';
import { rabbitmqSetPassword } from '../../src/actions/rabbitmq/set-password.js';
import { rabbitMq } from '../../src/adapters/rabbitmq.js';
import { apiUnreachable } from '../../src/adapters/rabbitmq-management.js';
import { changePasswordWithRabbitmqctl } from '../../src/adapters/rabbitmqctl.js';
import { Secret } from '../../src/engine/secret.js';
import { describeError } from '../../src/errors.js';
import { testContext } from '../support/action-context.js';

const dir = mkdtempSync(join(tmpdir(), 'rotor-rabbitmqctl-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TOKEN = 'vault-token-canary-Hw41';
const ADMIN = 'admin-password-canary-Lm07';
const NEW = 'new-password-canary-Tz63';
/** Should a real rabbitmqctl ever run here, it is asked about a user that does not exist: nothing changes. */
const NO_SUCH_USER = 'rotor-security-no-such-user';
let saved: NodeJS.ProcessEnv;
beforeEach(() => {
  saved = { ...process.env };
  process.env.VAULT_TOKEN = TOKEN;
  process.env.ROTOR_INPUT_ADMIN_PASSWORD = ADMIN;
});
afterEach(() => {
  process.env = saved;
});

/** A fake rabbitmqctl in its own folder that writes down its environment and stdin, then succeeds. */
function fakeRabbitmqctl(folderMode = 0o700): { folder: string; seen: string } {
  const folder = mkdtempSync(join(dir, 'bin-'));
  chmodSync(folder, folderMode);
  const seen = join(dir, `${folder.split('/').pop()}.seen`);
  writeFileSync(join(folder, 'rabbitmqctl'), `#!/bin/sh\n{ env; echo "stdin:"; cat; } > '${seen}'\n`);
  chmodSync(join(folder, 'rabbitmqctl'), 0o755);
  return { folder, seen };
}

describe('the rabbitmqctl fallback', () => {
  it('never runs a rabbitmqctl found first on PATH', async () => {
    const { folder, seen } = fakeRabbitmqctl();
    process.env.PATH = `${folder}:${process.env.PATH}`;
    await changePasswordWithRabbitmqctl(NO_SUCH_USER, new Secret(NEW), {
      timeoutMs: 60_000,
    }).catch(() => undefined);
    expect(existsSync(seen), existsSync(seen) ? readFileSync(seen, 'utf8') : '').toBe(false);
  });

  it("hands rabbitmqctl the script runner's allowlisted environment, and the password only on stdin", async () => {
    const { folder, seen } = fakeRabbitmqctl();
    await changePasswordWithRabbitmqctl(NO_SUCH_USER, new Secret(NEW), {
      timeoutMs: 10_000,
      folders: [folder],
    });
    const text = readFileSync(seen, 'utf8');
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(ADMIN);
    expect(text).not.toMatch(/^(VAULT_TOKEN|ROTOR_INPUT_[A-Z_]*)=/m);
    expect(text).toMatch(/^PATH=/m);
    expect(text.split('stdin:\n')[1]).toBe(`${NEW}\n`);
  });

  it("never lets a program first on the operator's PATH stand in for a tool rabbitmqctl calls", async () => {
    // The packaged rabbitmqctl is a shell wrapper that calls id, sed, su and erl by name, with the
    // password waiting on its stdin: a fake `id` placed first on PATH could read it.
    const folder = mkdtempSync(join(dir, 'bin-'));
    chmodSync(folder, 0o700);
    const done = join(dir, `${folder.split('/').pop()}.done`);
    writeFileSync(
      join(folder, 'rabbitmqctl'),
      `#!/bin/sh
id -u >/dev/null
echo ok > '${done}'
`,
    );
    chmodSync(join(folder, 'rabbitmqctl'), 0o755);
    const planted = mkdtempSync(join(dir, 'planted-'));
    const stolen = join(dir, `${planted.split('/').pop()}.stolen`);
    writeFileSync(
      join(planted, 'id'),
      `#!/bin/sh
cat > '${stolen}'
echo 0
`,
    );
    chmodSync(join(planted, 'id'), 0o755);
    process.env.PATH = `${planted}:${process.env.PATH}`;
    await changePasswordWithRabbitmqctl(NO_SUCH_USER, new Secret(NEW), {
      timeoutMs: 10_000,
      folders: [folder],
    });
    expect(readFileSync(done, 'utf8')).toBe('ok\n');
    expect(existsSync(stolen), existsSync(stolen) ? readFileSync(stolen, 'utf8') : '').toBe(false);
  });

  it('skips a rabbitmqctl that others may change, and says none was found', async () => {
    const { folder, seen } = fakeRabbitmqctl(0o777);
    await expect(
      changePasswordWithRabbitmqctl(NO_SUCH_USER, new Secret(NEW), { timeoutMs: 10_000, folders: [folder] }),
    ).rejects.toThrow(`rabbitmqctl is not installed on this machine (looked in ${folder})`);
    expect(existsSync(seen)).toBe(false);
  });

  it('counts only an exact loopback as this machine', () => {
    const local = [
      'http://127.0.0.1:15672',
      'http://127.9.8.7:15672',
      'http://127.1:15672', // the URL parser writes it as 127.0.0.1
      'http://localhost:15672',
      'http://LOCALHOST:15672',
      'http://[::1]:15672',
    ];
    const remote = [
      'http://127.attacker.example:15672',
      'http://127.0.0.1.attacker.example:15672',
      'http://localhost.attacker.example:15672',
      'http://127-0-0-1.attacker.example:15672',
      'http://10.0.0.1:15672',
      'not a url',
    ];
    expect(local.filter((u) => !besideTheBroker(u))).toEqual([]);
    expect(remote.filter((u) => besideTheBroker(u))).toEqual([]);
  });

  it('does not fall back for an API at 127.attacker.example that cannot be reached', async () => {
    const localCalls: string[] = [];
    const ctx = testContext({
      rabbitmq: {
        ...rabbitMq,
        getUser: async () => {
          throw apiUnreachable('127.attacker.example:15672', 'ECONNREFUSED');
        },
        changePasswordLocally: async (name) => {
          localCalls.push(name);
        },
      },
    });
    const params = rabbitmqSetPassword.params.parse({
      api_url: 'http://127.attacker.example:15672',
      admin_username: 'guest',
      admin_password: new Secret('guest'),
      user: 'app',
      password: new Secret(NEW),
      current_password: new Secret('old'),
    });
    const error = await rabbitmqSetPassword.run(params, ctx).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(describeError(error)).toMatch(/only used when api_url points at this machine/);
    expect(localCalls).toEqual([]);
  });
});
