// Figure: failed authentications of 20 clients reconnecting in a loop during a rotation, the
// zero-downtime variants (redis mode=acl, postgres strategy=alternating) side by side with the
// guide's plain procedure (redis CONFIG SET requirepass, postgres single-user ALTER ROLE), same
// load. Real redis-server processes and a real scram-sha-256 PostgreSQL cluster on 127.0.0.1; the
// sandbox's Vault and Kubernetes. A client keeps the credential it read from Vault and reads it
// again after an authentication failure, or once its pod restarted (the runbook's rolling restart
// of the service: the `restart` step). Goal: 0 failures for the zero-downtime variants.
import { randomBytes } from 'node:crypto';
import { createConnection } from 'node:net';
import pg from 'pg';
import { report } from './lib.mjs';
import { sleep, withDeadline } from './support/net.mjs';
import { quoteLiteral, startPostgresCluster } from './support/postgres-cluster.mjs';
import { startRedisServers } from './support/redis-servers.mjs';
import { Secret, runSession, startWorld } from './support/sandbox-run.mjs';

const CLIENTS = 20;
const PAUSE_MS = 10; // between one client's reconnections
const fast = { sync_timeout_seconds: '30', rollout_timeout_seconds: '60' };

async function readVault(vault, path) {
  const res = await fetch(`${vault.url}/v1/secret/data/${path}`, {
    headers: { 'X-Vault-Token': vault.rootToken },
  });
  if (!res.ok) throw new Error(`Vault read ${path}: ${res.status}`);
  return (await res.json()).data.data;
}

/** One connection to a Redis node: AUTH and PING; true when both answered OK. */
function redisAuth(node, username, password) {
  const [host, port] = node.split(':');
  return new Promise((resolve) => {
    const socket = createConnection({ host, port: Number(port) });
    let reply = '';
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => {
      const args = ['AUTH', username, password];
      socket.write(
        `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}*1\r\n$4\r\nPING\r\n`,
      );
    });
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n') && !reply.startsWith('+OK')) done(false);
      else if (reply.includes('+PONG\r\n')) done(true);
    });
  });
}

async function pgAuth(port, username, password) {
  const client = new pg.Client({
    host: '127.0.0.1',
    port,
    user: username,
    password,
    database: 'postgres',
    connectionTimeoutMillis: 3000,
  });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * 20 clients reconnecting in a loop while `rotate()` runs; counts attempts and failed
 * authentications. `login(credential)` makes one connection.
 */
async function underLoad({ vault, path, login, restarts, rotate }) {
  let stop = false;
  let attempts = 0;
  let failures = 0;
  const client = async () => {
    let credential = await readVault(vault, path);
    let seenRestarts = restarts.count;
    while (!stop) {
      if (restarts.count !== seenRestarts) {
        seenRestarts = restarts.count;
        credential = await readVault(vault, path);
      }
      attempts++;
      if (!(await login(credential))) {
        failures++;
        credential = await readVault(vault, path);
      }
      await sleep(PAUSE_MS);
    }
  };
  const clients = Array.from({ length: CLIENTS }, client);
  await sleep(200); // every client is connecting before the rotation starts
  try {
    await rotate();
    await sleep(200); // and a little after it ended
  } finally {
    stop = true;
    await Promise.all(clients);
  }
  return { attempts, failures };
}

async function redisVariant(mode) {
  const world = await startWorld();
  let servers;
  try {
    const { vault } = world.sandbox;
    const password = String(vault.kvRead('harmonyflow/redis').data.password);
    servers = await startRedisServers([{ password }, { password }, { password }]);
    const restarts = { count: 0 };
    const onEvent = (e) => e.type === 'step-succeeded' && e.stepId === 'restart' && restarts.count++;
    return await underLoad({
      vault,
      path: 'harmonyflow/redis',
      restarts,
      login: (c) =>
        Promise.all(servers.nodes.map((n) => redisAuth(n, 'default', String(c.password)))).then((oks) =>
          oks.every(Boolean),
        ),
      rotate: () =>
        withDeadline(
          runSession(world, 'redis', { ...fast, mode, nodes: servers.nodes.join(',') }, { onEvent }),
          120_000,
          `redis ${mode} rotation`,
        ),
    });
  } finally {
    await servers?.close();
    await world.close();
  }
}

async function postgresVariant(cluster, strategy) {
  const world = await startWorld();
  try {
    const { vault } = world.sandbox;
    const password = String(vault.kvRead('harmonyflow/postgresql').data.password);
    // Each variant starts where production does: the role in use has the password Vault holds.
    await cluster.admin(
      `ALTER ROLE harmonyflow PASSWORD ${quoteLiteral(password)}`,
      `ALTER ROLE harmonyflow_b PASSWORD ${quoteLiteral(randomBytes(24).toString('base64'))}`,
    );
    const restarts = { count: 0 };
    const onEvent = (e) => e.type === 'step-succeeded' && e.stepId === 'restart' && restarts.count++;
    return await underLoad({
      vault,
      path: 'harmonyflow/postgresql',
      restarts,
      login: (c) => pgAuth(cluster.port, String(c.username), String(c.password)),
      rotate: () =>
        withDeadline(
          runSession(
            world,
            'postgres',
            {
              ...fast,
              strategy,
              admin_url: new Secret(cluster.adminUrl, 'admin url'),
              db_url: `postgres://127.0.0.1:${cluster.port}/postgres`,
            },
            { onEvent },
          ),
          120_000,
          `postgres ${strategy} rotation`,
        ),
    });
  } finally {
    await world.close();
  }
}

const cluster = await startPostgresCluster({ maxConnections: 100 });
try {
  await cluster.admin('CREATE ROLE harmonyflow LOGIN', 'CREATE ROLE harmonyflow_b LOGIN');
  const redisPlain = await redisVariant('requirepass');
  const redisAcl = await redisVariant('acl');
  const pgPlain = await postgresVariant(cluster, 'single');
  const pgAlternating = await postgresVariant(cluster, 'alternating');
  report('availability', {
    clients: CLIENTS,
    redis_requirepass_failed: redisPlain.failures,
    redis_acl_failed: redisAcl.failures,
    postgres_single_failed: pgPlain.failures,
    postgres_alternating_failed: pgAlternating.failures,
    attempts: [redisPlain, redisAcl, pgPlain, pgAlternating].map((r) => r.attempts).join('/'),
    goal: 'acl=0;alternating=0',
  });
} finally {
  await cluster.close();
}
