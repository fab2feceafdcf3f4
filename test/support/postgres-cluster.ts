import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chown, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './free-port.js';

const exec = promisify(execFile);

/** A throwaway PostgreSQL cluster: scram-sha-256 over TCP, so a wrong password is really refused. */
export interface PostgresCluster {
  port: number;
  superuser: string;
  superuserPassword: string;
  /** `postgres://user:password@127.0.0.1:port/db` with both parts URL-encoded. */
  url(user: string, password: string, db?: string): string;
  /** Everything the server logged so far (log_statement = 'all'). */
  readLog(): Promise<string>;
  /** Stops the server and removes its directory; never throws. */
  close(): Promise<void>;
}

const POSTGRES_USER = 'postgres';

/** initdb, pg_ctl and psql refuse to run as root, so as root they run as the postgres user. */
function asPostgres(command: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0
    ? ['runuser', ['-u', POSTGRES_USER, '--', command, ...args]]
    : [command, args];
}

async function run(command: string, args: string[]): Promise<void> {
  const [file, argv] = asPostgres(command, args);
  await exec(file, argv, { timeout: 60_000 });
}

async function ownerIds(): Promise<{ uid: number; gid: number } | null> {
  if (process.getuid?.() !== 0) return null;
  const { stdout } = await exec('id', ['-u', POSTGRES_USER]);
  const { stdout: gid } = await exec('id', ['-g', POSTGRES_USER]);
  return { uid: Number(stdout.trim()), gid: Number(gid.trim()) };
}

/**
 * Starts a cluster in a temp dir on a free port. Local (socket) connections are trusted so the
 * helper can set the superuser's password without a password file; TCP needs scram-sha-256.
 */
export async function startPostgresCluster(): Promise<PostgresCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'rotor-pg-'));
  const data = join(dir, 'data');
  const logFile = join(dir, 'server.log');
  const port = await freePort();
  const superuser = 'rotor_admin';
  const superuserPassword = randomBytes(12).toString('hex');
  const owner = await ownerIds();
  if (owner) await chown(dir, owner.uid, owner.gid);
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
      '-c log_statement=all',
      '-c password_encryption=scram-sha-256',
    ].join(' ');
    await run('pg_ctl', ['-D', data, '-l', logFile, '-o', options, '-w', '-t', '60', 'start']);
    started = true;
    // Over the trusted socket; with logging off for this session so the log holds only the test's statements.
    const admin = new pg.Client({ host: dir, port, user: superuser, database: 'postgres' });
    await admin.connect();
    try {
      await admin.query("SET log_statement = 'none'");
      await admin.query(`ALTER ROLE ${superuser} PASSWORD '${superuserPassword}'`);
    } finally {
      await admin.end();
    }
  } catch (error) {
    await close();
    throw error;
  }
  return {
    port,
    superuser,
    superuserPassword,
    url: (user, password, db = 'postgres') =>
      `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(db)}`,
    readLog: () => readFile(logFile, 'utf8'),
    close,
  };
}
