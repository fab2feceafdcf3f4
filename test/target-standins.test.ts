import { describe, expect, it } from 'vitest';
import { postgresCheckLogin } from '../src/actions/postgres/check-login.js';
import { postgresSetPassword } from '../src/actions/postgres/set-password.js';
import { redisCheckAuth } from '../src/actions/redis/check-auth.js';
import { redisSetPassword } from '../src/actions/redis/set-password.js';
import { RedisRotationError } from '../src/actions/redis/common.js';
import { rabbitmqCheckLogin } from '../src/actions/rabbitmq/check-login.js';
import { rabbitmqSetPassword } from '../src/actions/rabbitmq/set-password.js';
import { Secret } from '../src/engine/secret.js';
import { SessionKey } from '../src/engine/session-key.js';
import { PostgresStandin } from '../src/sandbox/targets/postgres-standin.js';
import { RedisStandin } from '../src/sandbox/targets/redis-standin.js';
import { RabbitStandin } from '../src/sandbox/targets/rabbitmq-standin.js';
import { testContext } from './support/action-context.js';

// The sandbox's stand-ins must behave like the servers the real-server tests use: the same
// actions, the same outcomes, the same errors.
const s = (value: string) => new Secret(value);
// One session's key for the file, so fingerprints from different calls compare.
const key = SessionKey.random();
const fingerprint = (value: string) => key.fingerprint(value);

describe('PostgreSQL stand-in', () => {
  const make = () =>
    new PostgresStandin({
      superuser: 'postgres',
      superuserPassword: 'admin-pw',
      roles: { harmonyflow: 'old-pw' },
    });
  const url = (password = 'admin-pw', where = 'postgres.sandbox:5432') =>
    s(`postgres://postgres:${password}@${where}/postgres`);

  it('rotates with a verifier, proves the change, undoes it; its log never holds the plaintext', async () => {
    const pg = make();
    const ctx = testContext({ postgres: pg });
    expect(pg.label).toBe('sandbox stand-in');
    const params = postgresSetPassword.params.parse({
      url: url(),
      role: 'harmonyflow',
      password: s('new-canary-pw'),
    });
    const outputs = await postgresSetPassword.run(params, ctx);
    const check = postgresCheckLogin.params.parse({
      url: url(),
      role: 'harmonyflow',
      password: s('new-canary-pw'),
      old_password: s('old-pw'),
    });
    expect(await postgresCheckLogin.run(check, ctx)).toMatchObject({ new_accepted: true, old_refused: true });
    await postgresSetPassword.undo!(params, outputs, ctx);
    expect([pg.accepts('harmonyflow', 'old-pw'), pg.accepts('harmonyflow', 'new-canary-pw')]).toEqual([
      true,
      false,
    ]);
    expect(pg.log.join('\n')).toMatch(/ALTER ROLE "harmonyflow" PASSWORD 'SCRAM-SHA-256\$4096:/);
    expect(pg.log.join('\n')).not.toContain('new-canary-pw');
  });

  it('refuses an unknown role, a wrong admin password and a wrong address, as the server does', async () => {
    const pg = make();
    const ctx = testContext({ postgres: pg });
    const run = (u: Secret, role = 'harmonyflow') =>
      postgresSetPassword.run(
        postgresSetPassword.params.parse({ url: u, role, password: s('x-new-pw') }),
        ctx,
      );
    await expect(run(url(), 'ghost')).rejects.toThrow('role ghost does not exist on postgres.sandbox:5432');
    await expect(run(url('wrong'))).rejects.toThrow(
      'PostgreSQL at postgres.sandbox:5432 refused the login as postgres',
    );
    await expect(run(url('admin-pw', 'elsewhere:5432'))).rejects.toThrow(
      'cannot reach PostgreSQL at elsewhere:5432 (ECONNREFUSED)',
    );
    expect(pg.accepts('harmonyflow', 'old-pw')).toBe(true);
  });
});

describe('Redis stand-in', () => {
  it('six nodes, the fourth refuses CONFIG SET: nodes 1–3 put back, the error names node 4', async () => {
    const nodes = [1, 2, 3, 4, 5, 6].map((i) => `redis-${i}.sandbox:6379`);
    const redis = new RedisStandin(
      nodes.map((node, i) => ({
        node,
        requirepass: 'old-pw',
        refuse: i === 3 ? ('config-set' as const) : undefined,
      })),
    );
    const ctx = testContext({ redis }, { key });
    const params = redisSetPassword.params.parse({
      nodes,
      auth_password: s('old-pw'),
      password: s('new-pw'),
    });
    const error = (await redisSetPassword.run(params, ctx).catch((e: unknown) => e)) as RedisRotationError;
    expect(error).toBeInstanceOf(RedisRotationError);
    expect(error.message).toContain(`Redis node 4 of 6 (${nodes[3]}) failed`);
    expect(error.nodes.map((n) => n.state)).toEqual([
      'restored',
      'restored',
      'restored',
      'unchanged',
      'unchanged',
      'unchanged',
    ]);
    expect(error.nodes.every((n) => n.holds[0] === fingerprint('old-pw'))).toBe(true);
    expect(nodes.every((node) => redis.accepts(node, { password: s('old-pw') }))).toBe(true);
  });

  it('rotates requirepass, checks every node, undoes; ACL mode holds two passwords', async () => {
    const nodes = ['a.sandbox:6379', 'b.sandbox:6379'];
    const redis = new RedisStandin(
      nodes.map((node) => ({ node, requirepass: 'admin-pw', users: { app: ['old-pw'] } })),
    );
    const ctx = testContext({ redis }, { key });
    const acl = redisSetPassword.params.parse({
      nodes,
      mode: 'acl',
      user: 'app',
      auth_password: s('admin-pw'),
      password: s('new-pw'),
    });
    const added = await redisSetPassword.run(acl, ctx);
    expect((added.nodes as Array<{ holds: string[] }>)[0].holds).toEqual(
      expect.arrayContaining([fingerprint('old-pw'), fingerprint('new-pw')]),
    );
    await redisSetPassword.undo!(acl, added, ctx);
    expect(redis.accepts(nodes[0], { username: 'app', password: s('new-pw') })).toBe(false);

    const params = redisSetPassword.params.parse({
      nodes,
      auth_password: s('admin-pw'),
      password: s('next-pw'),
    });
    const persistedBefore = redis.persistedCount(nodes[0]);
    const outputs = await redisSetPassword.run(params, ctx);
    await redisCheckAuth.run(
      redisCheckAuth.params.parse({ nodes, password: s('next-pw'), old_password: s('admin-pw') }),
      ctx,
    );
    expect(redis.persistedCount(nodes[0])).toBe(persistedBefore + 1); // CONFIG REWRITE, as the node has a config file
    await redisSetPassword.undo!(params, outputs, ctx);
    expect(redis.accepts(nodes[1], { password: s('admin-pw') })).toBe(true);
  });
});

describe('RabbitMQ stand-in', () => {
  const make = () =>
    new RabbitStandin({
      users: {
        admin: { password: 'admin-pw', tags: ['administrator'] },
        harmonyflow: { password: 'old-pw', tags: ['monitoring'] },
      },
    });
  const base = {
    api_url: 'http://rabbitmq.sandbox:15672',
    admin_username: 'admin',
    admin_password: s('admin-pw'),
    user: 'harmonyflow',
  };

  it('rotates through the API keeping tags, AMQP proves it, undo restores the hash', async () => {
    const rabbit = make();
    const ctx = testContext({ rabbitmq: rabbit });
    const params = rabbitmqSetPassword.params.parse({ ...base, password: s('new-pw') });
    const outputs = await rabbitmqSetPassword.run(params, ctx);
    expect(rabbit.tagsOf('harmonyflow')).toEqual(['monitoring']);
    const check = rabbitmqCheckLogin.params.parse({
      amqp_url: 'amqp://rabbitmq.sandbox:5672/',
      user: 'harmonyflow',
      password: s('new-pw'),
      old_password: s('old-pw'),
    });
    expect(await rabbitmqCheckLogin.run(check, ctx)).toMatchObject({ new_accepted: true, old_refused: true });
    expect(await rabbitmqSetPassword.check!(params, ctx)).toBe('done');
    await rabbitmqSetPassword.undo!(params, outputs, ctx);
    expect(rabbit.accepts('harmonyflow', 'old-pw')).toBe(true);
  });

  it('falls back to rabbitmqctl when the API is down; refuses a wrong admin password', async () => {
    const rabbit = make();
    const ctx = testContext({ rabbitmq: rabbit });
    await expect(
      rabbitmqSetPassword.run(
        rabbitmqSetPassword.params.parse({ ...base, admin_password: s('nope'), password: s('new-pw') }),
        ctx,
      ),
    ).rejects.toThrow(
      'the RabbitMQ management API at rabbitmq.sandbox:15672 refused the login as admin (401)',
    );
    rabbit.apiDown = true;
    // The sandbox broker is "beside" rotor only when the API URL is local, as with a real one.
    const local = rabbitmqSetPassword.params.parse({
      ...base,
      api_url: 'http://127.0.0.1:15672',
      password: s('new-pw'),
      current_password: s('old-pw'),
    });
    await expect(rabbitmqSetPassword.run(local, ctx)).resolves.toMatchObject({ via: 'rabbitmqctl' });
    expect(rabbit.accepts('harmonyflow', 'new-pw')).toBe(true);
  });
});
