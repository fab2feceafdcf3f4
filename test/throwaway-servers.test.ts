// The throwaway PostgreSQL and Redis servers tests start: a port taken between picking it and the
// server binding it means another port, and a start that fails says why with the server's log.
import { createServer, type Server } from 'node:net';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { serverPort } from './support/free-port.js';
import { startPostgresCluster } from './support/postgres-cluster.js';
import { startRedisServers } from './support/redis-servers.js';

const held: Server[] = [];
afterEach(async () => {
  await Promise.all(held.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** Takes a port as another process would between the helper's pick and its server's bind. */
async function occupy(): Promise<number> {
  const port = await serverPort();
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  held.push(server);
  return port;
}

/** A port picker that first offers `taken`, then free ones; records what it offered. */
function picker(taken: number) {
  const offered: number[] = [];
  return {
    offered,
    pickPort: async () => {
      const port = offered.length === 0 ? taken : await serverPort();
      offered.push(port);
      return port;
    },
  };
}

describe('serverPort', () => {
  it('picks ports below the kernel ephemeral range, where listen(0) and outgoing connections never land', async () => {
    const ports = await Promise.all(Array.from({ length: 20 }, () => serverPort()));
    for (const port of ports) expect([port, port >= 20_000 && port < 32_768]).toEqual([port, true]);
  });
});

describe('the throwaway PostgreSQL cluster', () => {
  it('starts on another port when the one it picked was taken in between', { timeout: 180_000 }, async () => {
    const taken = await occupy();
    const { offered, pickPort } = picker(taken);
    const cluster = await startPostgresCluster({ pickPort });
    try {
      expect(offered[0]).toBe(taken);
      expect(offered).toHaveLength(2);
      expect(cluster.port).toBe(offered[1]);
      const client = new pg.Client({
        connectionString: cluster.url(cluster.superuser, cluster.superuserPassword),
      });
      await client.connect();
      expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      await client.end();
    } finally {
      await cluster.close();
    }
  });

  it(
    'gives up after its attempts with the server log in the error, which names the cause',
    { timeout: 180_000 },
    async () => {
      const taken = await occupy();
      const failure = await startPostgresCluster({ pickPort: async () => taken, attempts: 2 }).then(
        () => undefined,
        (error: Error) => error.message,
      );
      expect(failure).toContain(`did not start on 127.0.0.1:${taken} (attempt 2 of 2)`);
      expect(failure).toContain('--- server log');
      expect(failure).toMatch(/could not bind IPv4 address "127\.0\.0\.1": Address already in use/);
    },
  );
});

describe('the throwaway Redis servers', () => {
  it('start on another port when the one picked was taken in between', async () => {
    const taken = await occupy();
    const { offered, pickPort } = picker(taken);
    const redis = await startRedisServers([{}], { pickPort });
    try {
      expect(offered[0]).toBe(taken);
      expect(redis.servers[0].port).toBe(offered[1]);
    } finally {
      await redis.close();
    }
  });

  it('give up after their attempts with the server log in the error', async () => {
    const taken = await occupy();
    const failure = await startRedisServers([{}], { pickPort: async () => taken, attempts: 2 }).then(
      () => undefined,
      (error: Error) => error.message,
    );
    expect(failure).toContain(`redis-server on 127.0.0.1:${taken} exited with 1`);
    expect(failure).toContain('--- server log ---');
    expect(failure).toMatch(/Address already in use/);
    expect(failure).toContain('(attempt 2 of 2)');
  });
});
