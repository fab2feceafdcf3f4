import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { rabbitmqCheckLogin } from '../src/actions/rabbitmq/check-login.js';
import { rabbitmqSetPassword } from '../src/actions/rabbitmq/set-password.js';
import { rabbitMq } from '../src/adapters/rabbitmq.js';
import { Secret } from '../src/engine/secret.js';
import { describeError } from '../src/errors.js';
import { testContext } from './support/action-context.js';
import { freePort } from './support/free-port.js';

// The machine's broker: guest/guest on 127.0.0.1, AMQP 5672, management API 15672. Every test
// works on its own user and deletes it afterwards.
const API = 'http://127.0.0.1:15672';
const AMQP = 'amqp://127.0.0.1:5672/';
const guest = `Basic ${Buffer.from('guest:guest').toString('base64')}`;
const pw = (tag: string) => `${tag}-${randomBytes(9).toString('base64url')}`;
const ctx = () => testContext({ rabbitmq: rabbitMq });
const created: string[] = [];

async function api(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${API}${path}`, {
    method,
    headers: { authorization: guest, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function createUser(password: string, tags: string[]): Promise<string> {
  const name = `rotor-test-${randomBytes(4).toString('hex')}`;
  created.push(name);
  expect((await api('PUT', `/api/users/${name}`, { password, tags: tags.join(',') })).status).toBe(201);
  expect(
    (await api('PUT', `/api/permissions/%2F/${name}`, { configure: '.*', write: '.*', read: '.*' })).status,
  ).toBe(201);
  return name;
}

const login = (user: string, password: string) =>
  rabbitMq.amqpLogin({ url: AMQP, timeoutMs: 5000 }, user, new Secret(password));
const tagsOf = async (user: string) =>
  ((await (await api('GET', `/api/users/${user}`)).json()) as { tags: string[] }).tags;

/**
 * Watches every process's argv while `work` runs: returns the argv lines that mention `marker`,
 * so a test can show it saw rabbitmqctl and that none of them held the password.
 */
async function watchArgv<T>(marker: string, work: () => Promise<T>): Promise<{ result: T; seen: string[] }> {
  const seen = new Set<string>();
  let done = false;
  const poll = (async () => {
    while (!done) {
      for (const pid of await readdir('/proc').catch(() => [])) {
        if (!/^\d+$/.test(pid)) continue;
        const argv = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
        if (argv.includes(marker)) seen.add(argv.split('\0').join(' '));
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  try {
    return { result: await work(), seen: [...seen] };
  } finally {
    done = true;
    await poll;
  }
}

afterEach(async () => {
  for (const name of created.splice(0)) await api('DELETE', `/api/users/${name}`);
});

const admin = { api_url: API, admin_username: 'guest', admin_password: new Secret('guest') };

describe('rabbitmq actions against the local broker', () => {
  it('rotates through the management API keeping tags; AMQP proves new accepted, old refused; undo restores', async () => {
    const old = pw('old');
    const next = pw('new');
    const user = await createUser(old, ['monitoring', 'rotor-test']);
    const params = rabbitmqSetPassword.params.parse({ ...admin, user, password: new Secret(next) });
    expect(rabbitmqSetPassword.describe(params)).toBe(
      `RabbitMQ user ${user} at 127.0.0.1:15672: new password via PUT /api/users/${user} (tags kept); rabbitmqctl change_password on this machine if the API is unreachable`,
    );
    expect(await rabbitmqSetPassword.check!(params, ctx())).toBe('not-done');

    const outputs = await rabbitmqSetPassword.run(params, ctx());
    expect(outputs).toMatchObject({ user, via: 'management-api', tags: ['monitoring', 'rotor-test'] });
    expect(await tagsOf(user)).toEqual(['monitoring', 'rotor-test']);
    expect(await rabbitmqSetPassword.check!(params, ctx())).toBe('done');
    const check = rabbitmqCheckLogin.params.parse({
      amqp_url: AMQP,
      user,
      password: new Secret(next),
      old_password: new Secret(old),
    });
    expect(await rabbitmqCheckLogin.run(check, ctx())).toEqual({
      user,
      new_accepted: true,
      old_refused: true,
    });

    await rabbitmqSetPassword.undo!(params, outputs, ctx());
    expect(await login(user, old)).toBe(true);
    expect(await login(user, next)).toBe(false);
    expect(await tagsOf(user)).toEqual(['monitoring', 'rotor-test']);
    await expect(rabbitmqCheckLogin.run(check, ctx())).rejects.toThrow(
      `RabbitMQ at 127.0.0.1:5672 refused ${user} with the new password`,
    );
  });

  it('falls back to rabbitmqctl beside the broker when the API is unreachable, and undoes the same way', async () => {
    const old = pw('old');
    const next = pw('new');
    const user = await createUser(old, []);
    const deadApi = `http://127.0.0.1:${await freePort()}`;
    const params = rabbitmqSetPassword.params.parse({
      ...admin,
      api_url: deadApi,
      user,
      password: new Secret(next),
      current_password: new Secret(old),
      timeout_ms: 30_000,
    });
    const context = ctx();
    const { result: outputs, seen } = await watchArgv(user, () => rabbitmqSetPassword.run(params, context));
    expect(outputs.via).toBe('rabbitmqctl');
    // rabbitmqctl ran with the user name in its argv, and the password was in none of them.
    expect(seen.some((argv) => argv.includes('change_password'))).toBe(true);
    expect(seen.filter((argv) => argv.includes(next))).toEqual([]);
    expect(context.record.logs.join('\n')).toContain(
      'using rabbitmqctl change_password on this machine (password on stdin)',
    );
    expect(await login(user, next)).toBe(true);
    expect(await login(user, old)).toBe(false);

    await rabbitmqSetPassword.undo!(params, outputs, ctx());
    expect(await login(user, old)).toBe(true);
    expect(await login(user, next)).toBe(false);
  }, 60_000);

  it('does not fall back when nothing could undo it, nor for a broker on another machine', async () => {
    const old = pw('old');
    const user = await createUser(old, []);
    const deadApi = `http://127.0.0.1:${await freePort()}`;
    const noWayBack = rabbitmqSetPassword.params.parse({
      ...admin,
      api_url: deadApi,
      user,
      password: new Secret(pw('new')),
    });
    await expect(rabbitmqSetPassword.run(noWayBack, ctx())).rejects.toThrow(
      'the rabbitmqctl fallback was not used because nothing could undo it',
    );
    const remote = rabbitmqSetPassword.params.parse({
      ...admin,
      api_url: 'http://rabbitmq.invalid:15672',
      user,
      password: new Secret(pw('new')),
      current_password: new Secret(old),
    });
    const error = await rabbitmqSetPassword.run(remote, ctx()).catch((e: unknown) => e);
    expect(describeError(error)).toMatch(
      /^cannot reach the RabbitMQ management API at rabbitmq\.invalid:15672 \(ENOTFOUND\)\n.*only used when api_url points at this machine/s,
    );
    expect(await login(user, old)).toBe(true);
  });

  it('a wrong admin credential and an unknown user each fail clearly, nothing changed', async () => {
    const old = pw('old');
    const user = await createUser(old, []);
    const wrong = pw('wrong');
    const params = rabbitmqSetPassword.params.parse({
      ...admin,
      admin_password: new Secret(wrong),
      user,
      password: new Secret(pw('new')),
    });
    const error = await rabbitmqSetPassword.run(params, ctx()).catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      'the RabbitMQ management API at 127.0.0.1:15672 refused the login as guest (401)',
    );
    expect(describeError(error)).not.toContain(wrong);
    expect(await login(user, old)).toBe(true);

    const ghost = `rotor-ghost-${randomBytes(4).toString('hex')}`;
    const unknown = rabbitmqSetPassword.params.parse({
      ...admin,
      user: ghost,
      password: new Secret(pw('new')),
    });
    await expect(rabbitmqSetPassword.run(unknown, ctx())).rejects.toThrow(
      `RabbitMQ user ${ghost} does not exist at 127.0.0.1:15672`,
    );
    expect((await api('GET', `/api/users/${ghost}`)).status).toBe(404);
  });

  it('check-login names an AMQP port where nothing listens', async () => {
    const port = await freePort();
    const params = rabbitmqCheckLogin.params.parse({
      amqp_url: `amqp://127.0.0.1:${port}/`,
      user: 'guest',
      password: new Secret('guest'),
    });
    await expect(rabbitmqCheckLogin.run(params, ctx())).rejects.toThrow(
      `cannot open an AMQP connection to 127.0.0.1:${port} as guest: ECONNREFUSED`,
    );
  });
});
