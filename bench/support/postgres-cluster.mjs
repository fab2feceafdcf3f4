// A throwaway PostgreSQL cluster for benchmarks (a small version of test/support/postgres-cluster.ts):
// scram-sha-256 over TCP on 127.0.0.1 and a free port, trusted socket for set-up, removed afterwards.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './net.mjs';

const exec = promisify(execFile);
const POSTGRES_USER = 'postgres';

/** initdb and pg_ctl refuse to run as root, so as root they run as the postgres user. */
function run(command, args) {
  const [file, argv] =
    process.getuid?.() === 0 ? ['runuser', ['-u', POSTGRES_USER, '--', command, ...args]] : [command, args];
  return exec(file, argv, { timeout: 60_000 });
}

export async function startPostgresCluster({ maxConnections = 100 } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'rotor-bench-pg-'));
  const data = join(dir, 'data');
  const port = await freePort();
  const superuser = 'rotor_admin';
  const superuserPassword = randomBytes(12).toString('hex');
  if (process.getuid?.() === 0) {
    const uid = Number((await exec('id', ['-u', POSTGRES_USER])).stdout.trim());
    const gid = Number((await exec('id', ['-g', POSTGRES_USER])).stdout.trim());
    await chown(dir, uid, gid);
  }
  let started = false;
  const close = async () => {
    if (started) await run('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']).catch(() => undefined);
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  };
  try {
    await run('initdb', [
      '-D',
      data,
      '-U',
      superuser,
      '--auth-local=trust',
      '--auth-host=scram-sha-256',
      '-E',
      'UTF8',
      '--no-sync',
    ]);
    const options = [
      `-p ${port}`,
      `-k ${dir}`,
      '-c listen_addresses=127.0.0.1',
      '-c fsync=off',
      '-c password_encryption=scram-sha-256',
      `-c max_connections=${maxConnections}`,
    ].join(' ');
    await run('pg_ctl', [
      '-D',
      data,
      '-l',
      join(dir, 'server.log'),
      '-o',
      options,
      '-w',
      '-t',
      '60',
      'start',
    ]);
    started = true;
    const admin = new pg.Client({ host: dir, port, user: superuser, database: 'postgres' });
    await admin.connect();
    try {
      await admin.query(`ALTER ROLE ${superuser} PASSWORD '${superuserPassword}'`);
    } finally {
      await admin.end();
    }
  } catch (error) {
    await close();
    throw error;
  }
  const url = (user, password, db = 'postgres') =>
    `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(db)}`;
  return {
    port,
    superuser,
    superuserPassword,
    url,
    adminUrl: url(superuser, superuserPassword),
    /** Runs statements as the superuser over TCP. */
    async admin(...statements) {
      const client = new pg.Client({ connectionString: url(superuser, superuserPassword) });
      await client.connect();
      try {
        for (const s of statements) await client.query(s);
      } finally {
        await client.end();
      }
    },
    close,
  };
}

export const quoteLiteral = (s) => `'${String(s).replace(/'/g, "''")}'`;
