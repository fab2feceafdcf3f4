import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chown, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { serverPort } from './free-port.js';

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
  await exec(file, argv, { timeout: 90_000 });
}

/** How a start is tried; tests of the helper itself pass their own port picker. */
export interface ClusterOptions {
  /** A port to try; called again for each attempt. Default: serverPort(). */
  pickPort?: () => Promise<number>;
  /** Starts tried on a port found taken before giving up (default 5). */
  attempts?: number;
}

/** The server's own log, for an error message: the reason pg_ctl's "could not start server" hides. */
async function tail(logFile: string): Promise<string> {
  const text = await readFile(logFile, 'utf8').catch(() => '(no server log was written)');
  return text.split('\n').slice(-40).join('\n').trim();
}

/** A start that failed only because another process took the port between picking and binding. */
const portTaken = (log: string) => /could not bind .*Address already in use/.test(log);

async function ownerIds(): Promise<{ uid: number; gid: number } | null> {
  if (process.getuid?.() !== 0) return null;
  const { stdout } = await exec('id', ['-u', POSTGRES_USER]);
  const { stdout: gid } = await exec('id', ['-g', POSTGRES_USER]);
  return { uid: Number(stdout.trim()), gid: Number(gid.trim()) };
}

/**
 * Starts a cluster in a temp dir on a free port. Local (socket) connections are trusted so the
 * helper can set the superuser's password without a password file; TCP needs scram-sha-256.
 * A port taken between picking and binding means another port, up to `attempts` times; any
 * failure throws with the server's log, which is removed with the directory.
 */
export async function startPostgresCluster(options: ClusterOptions = {}): Promise<PostgresCluster> {
  const pickPort = options.pickPort ?? serverPort;
  const attempts = options.attempts ?? 5;
  const dir = await mkdtemp(join(tmpdir(), 'rotor-pg-'));
  const data = join(dir, 'data');
  const superuser = 'rotor_admin';
  const superuserPassword = randomBytes(12).toString('hex');
  const owner = await ownerIds();
  if (owner) await chown(dir, owner.uid, owner.gid);
  let tried = false;
  const close = async () => {
    // Also after a failed start: pg_ctl may give up waiting while the server still comes up.
    if (tried) await run('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']).catch(() => undefined);
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  };
  let port = 0;
  let logFile = '';
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
    for (let attempt = 1; ; attempt++) {
      port = await pickPort();
      // One log per attempt, so a retry's log never mixes with the one before.
      logFile = join(dir, `server-${attempt}.log`);
      const serverOptions = [
        `-p ${port}`,
        `-k ${dir}`,
        '-c listen_addresses=127.0.0.1',
        '-c fsync=off',
        '-c log_statement=all',
        '-c password_encryption=scram-sha-256',
      ].join(' ');
      tried = true;
      try {
        await run('pg_ctl', ['-D', data, '-l', logFile, '-o', serverOptions, '-w', '-t', '60', 'start']);
        break;
      } catch (error) {
        const log = await tail(logFile);
        if (portTaken(log) && attempt < attempts) continue;
        const said = String((error as { stderr?: string }).stderr ?? (error as Error).message).trim();
        throw new Error(
          `PostgreSQL test cluster did not start on 127.0.0.1:${port} (attempt ${attempt} of ${attempts}): ${said}\n--- server log (${logFile}) ---\n${log}`,
        );
      }
    }
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
  const log = logFile;
  return {
    port,
    superuser,
    superuserPassword,
    url: (user, password, db = 'postgres') =>
      `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(db)}`,
    readLog: () => readFile(log, 'utf8'),
    close,
  };
}
