import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { redisCheckAuth } from '../src/actions/redis/check-auth.js';
import { redisSetPassword } from '../src/actions/redis/set-password.js';
import { redisAclDropOld } from '../src/actions/redis/acl-drop-old.js';
import { RedisRotationError } from '../src/actions/redis/common.js';
import { ioRedis } from '../src/adapters/redis.js';
import { Secret } from '../src/engine/secret.js';
import { SessionKey } from '../src/engine/session-key.js';
import { RotorError, describeError } from '../src/errors.js';
import { testContext } from './support/action-context.js';
import { freePort } from './support/free-port.js';
import { startRedisServers, type RedisServerOptions, type RedisServers } from './support/redis-servers.js';

const pw = (tag: string) => `${tag}-${randomBytes(9).toString('base64url')}`;
// One session's key for the file, so fingerprints from different calls compare.
const key = SessionKey.random();
const fingerprint = (value: string) => key.fingerprint(value);
const ctx = () => testContext({ redis: ioRedis }, { key });
const opts = { timeoutMs: 3000 };

let running: RedisServers | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function start(specs: RedisServerOptions[]): Promise<RedisServers> {
  running = await startRedisServers(specs);
  return running;
}

/** Which of the given passwords each node accepts for the user, node by node. */
async function accepted(
  nodes: string[],
  passwords: Record<string, string>,
  username?: string,
): Promise<string[][]> {
  return Promise.all(
    nodes.map(async (node) => {
      const ok: string[] = [];
      for (const [name, value] of Object.entries(passwords))
        if (await ioRedis.tryAuth(node, { username, password: new Secret(value) }, opts)) ok.push(name);
      return ok;
    }),
  );
}

describe('redis.set-password, requirepass mode, against real redis-server 7', () => {
  it('rotates primary, replica and a node without config file; old refused; undo restores everything', async () => {
    const old = pw('old');
    const next = pw('new');
    const { servers, nodes } = await start([
      { password: old },
      { password: old, replicaOf: 0 },
      { password: old, configFile: false },
    ]);
    const params = redisSetPassword.params.parse({
      nodes,
      auth_password: new Secret(old),
      password: new Secret(next),
    });
    expect(redisSetPassword.describe(params)).toBe(
      `3 Redis nodes: requirepass (CONFIG SET requirepass, masterauth on replicas, CONFIG REWRITE where a config file exists): ${nodes.join(', ')}`,
    );
    expect(await redisSetPassword.check!(params, ctx())).toBe('not-done');

    const outputs = await redisSetPassword.run(params, ctx());
    expect(outputs.nodes).toEqual(
      nodes.map((node) => ({ node, state: 'changed', holds: [fingerprint(next)] })),
    );
    expect(await accepted(nodes, { old, next })).toEqual([['next'], ['next'], ['next']]);
    expect(await redisSetPassword.check!(params, ctx())).toBe('done');
    // The replica got masterauth; the config files were rewritten so a restart keeps the change.
    expect(await servers[1].readConfig()).toMatch(new RegExp(`masterauth "?${next}`));
    expect(await servers[0].readConfig()).toMatch(new RegExp(`requirepass "?${next}`));

    const check = redisCheckAuth.params.parse({
      nodes,
      password: new Secret(next),
      old_password: new Secret(old),
    });
    expect((await redisCheckAuth.run(check, ctx())).nodes).toEqual(
      nodes.map((node) => ({ node, new_accepted: true, old_refused: true })),
    );

    await redisSetPassword.undo!(params, outputs, ctx());
    expect(await accepted(nodes, { old, next })).toEqual([['old'], ['old'], ['old']]);
    expect(await servers[0].readConfig()).toMatch(new RegExp(`requirepass "?${old}`));
    await expect(redisCheckAuth.run(check, ctx())).rejects.toThrow(`${nodes[0]} refuses the new password`);
  });

  it('six nodes, the fourth refuses CONFIG SET: nodes 1–3 are put back and the error names node 4', async () => {
    const old = pw('old');
    const next = pw('new');
    const fourth: RedisServerOptions = { extra: [`user default on >${old} ~* &* +@all -config|set`] };
    const { nodes } = await start([
      { password: old },
      { password: old },
      { password: old },
      fourth,
      { password: old },
      { password: old },
    ]);
    const params = redisSetPassword.params.parse({
      nodes,
      auth_password: new Secret(old),
      password: new Secret(next),
    });

    const error = await redisSetPassword.run(params, ctx()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RedisRotationError);
    const failure = error as RedisRotationError;
    expect(failure.message.split('\n')[0]).toBe(
      `Redis node 4 of 6 (${nodes[3]}) failed (CONFIG SET requirepass): Redis at ${nodes[3]}: rotor's user may not run this (CONFIG SET requirepass); nodes 1–3 were put back`,
    );
    expect(failure.nodes.map((n) => n.state)).toEqual([
      'restored',
      'restored',
      'restored',
      'unchanged',
      'unchanged',
      'unchanged',
    ]);
    expect(failure.nodes.slice(0, 3).every((n) => n.holds[0] === fingerprint(old))).toBe(true);
    expect(describeError(failure)).not.toContain(next);
    expect(await accepted(nodes, { old, next })).toEqual(nodes.map(() => ['old']));
  });

  it('a node with CONFIG renamed away fails the read before anything changes', async () => {
    const old = pw('old');
    const next = pw('new');
    const { nodes } = await start([
      { password: old },
      { password: old, extra: ['rename-command CONFIG ""'] },
    ]);
    const params = redisSetPassword.params.parse({
      nodes,
      auth_password: new Secret(old),
      password: new Secret(next),
    });
    const error = (await redisSetPassword.run(params, ctx()).catch((e: unknown) => e)) as RotorError;
    expect(error.message).toMatch(
      new RegExp(
        `^Redis node 2 of 2 \\(${nodes[1]}\\): Redis at ${nodes[1]} does not know the command while CONFIG GET requirepass .*; nothing was changed$`,
      ),
    );
    expect(error.hint).toContain('rename-command');
    expect(await accepted(nodes, { old, next })).toEqual([['old'], ['old']]);

    // Redis 7 quotes the arguments of an unknown command; the password must not come back in the error.
    const session = await ioRedis.open(nodes[1], { password: new Secret(old) }, opts);
    const echoed = await session.setConfigSecret('requirepass', new Secret(next)).catch((e: unknown) => e);
    await session.close();
    expect(describeError(echoed)).toContain('does not know the command');
    expect(describeError(echoed)).not.toContain(next);
  });

  it('an unreachable node and a wrong credential each fail with one clear error, nothing changed', async () => {
    const old = pw('old');
    const { nodes } = await start([{ password: old }]);
    const dead = `127.0.0.1:${await freePort()}`;
    const unreachable = redisSetPassword.params.parse({
      nodes: [nodes[0], dead],
      auth_password: new Secret(old),
      password: new Secret(pw('new')),
    });
    await expect(redisSetPassword.run(unreachable, ctx())).rejects.toThrow(
      `Redis node 2 of 2 (${dead}): cannot reach Redis at ${dead} (ECONNREFUSED) while connecting; nothing was changed`,
    );

    const wrong = pw('wrong');
    const refused = redisSetPassword.params.parse({
      nodes,
      auth_password: new Secret(wrong),
      password: new Secret(pw('new')),
    });
    const error = await redisSetPassword.run(refused, ctx()).catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      `Redis node 1 of 1 (${nodes[0]}): Redis at ${nodes[0]} refused rotor's credential while logging in; nothing was changed`,
    );
    expect(describeError(error)).not.toContain(wrong);
    expect(await accepted(nodes, { old })).toEqual([['old']]);
  });
});

describe('redis ACL mode: two passwords for a while, then drop the old', () => {
  const admin = pw('admin');
  const aclNode = (old: string): RedisServerOptions => ({
    password: admin,
    extra: [`user app on >${old} ~* &* +@all`],
  });

  it('adds the new password, drops the old one later, and undoes both steps', async () => {
    const old = pw('old');
    const next = pw('new');
    const { nodes } = await start([aclNode(old), aclNode(old), aclNode(old)]);
    const params = redisSetPassword.params.parse({
      nodes,
      mode: 'acl',
      user: 'app',
      auth_password: new Secret(admin),
      password: new Secret(next),
    });
    expect(redisSetPassword.describe(params)).toContain('3 Redis nodes: ACL SETUSER app >(new password)');

    const added = await redisSetPassword.run(params, ctx());
    expect(added.nodes).toEqual(
      nodes.map((node) => ({ node, state: 'changed', holds: [fingerprint(old), fingerprint(next)] })),
    );
    expect(await accepted(nodes, { old, next }, 'app')).toEqual(nodes.map(() => ['old', 'next']));

    const drop = redisAclDropOld.params.parse({
      nodes,
      user: 'app',
      auth_password: new Secret(admin),
      password: new Secret(next),
      old_password: new Secret(old),
    });
    const dropped = await redisAclDropOld.run(drop, ctx());
    expect(dropped.nodes).toEqual(
      nodes.map((node) => ({ node, state: 'changed', holds: [fingerprint(next)] })),
    );
    const check = redisCheckAuth.params.parse({
      nodes,
      username: 'app',
      password: new Secret(next),
      old_password: new Secret(old),
    });
    await expect(redisCheckAuth.run(check, ctx())).resolves.toBeDefined();

    await redisAclDropOld.undo!(drop, dropped, ctx());
    expect(await accepted(nodes, { old, next }, 'app')).toEqual(nodes.map(() => ['old', 'next']));
    await redisSetPassword.undo!(params, added, ctx());
    expect(await accepted(nodes, { old, next }, 'app')).toEqual(nodes.map(() => ['old']));
  });

  it('refuses to drop the old password where the new one is missing, and names an unknown user', async () => {
    const old = pw('old');
    const { nodes } = await start([aclNode(old), aclNode(old)]);
    const drop = redisAclDropOld.params.parse({
      nodes,
      user: 'app',
      auth_password: new Secret(admin),
      password: new Secret(pw('new')),
      old_password: new Secret(old),
    });
    await expect(redisAclDropOld.run(drop, ctx())).rejects.toThrow(
      `Redis node 1 of 2 (${nodes[0]}): user app does not hold the new password; nothing was changed`,
    );
    const ghost = redisSetPassword.params.parse({
      nodes,
      mode: 'acl',
      user: 'ghost',
      auth_password: new Secret(admin),
      password: new Secret(pw('new')),
    });
    await expect(redisSetPassword.run(ghost, ctx())).rejects.toThrow(
      `Redis node 1 of 2 (${nodes[0]}) has no ACL user ghost; nothing was changed`,
    );
    expect(await accepted(nodes, { old }, 'app')).toEqual([['old'], ['old']]);
  });
});
