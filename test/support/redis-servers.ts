import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serverPort } from './free-port.js';

/** How to start one node. */
export interface RedisServerOptions {
  /** requirepass (and masterauth, so replicas of it can follow). */
  password?: string;
  /** Start from a config file (so CONFIG REWRITE works); default true. */
  configFile?: boolean;
  /** Extra config lines, e.g. `rename-command CONFIG ""` or `user app on >pw ~* +@all`. */
  extra?: string[];
  /** Index of an earlier node in the same call to replicate. */
  replicaOf?: number;
}

/** A running redis-server. */
export interface RedisServer {
  port: number;
  /** `127.0.0.1:port` */
  node: string;
  /** The config file path, or '' when started with arguments only. */
  configPath: string;
  readConfig(): Promise<string>;
}

/** Several running nodes and a way to stop them all. */
export interface RedisServers {
  servers: RedisServer[];
  nodes: string[];
  /** Stops every process and removes the temp dir; never throws. */
  close(): Promise<void>;
}

/** How starts are tried; tests of the helper itself pass their own port picker. */
export interface RedisStartOptions {
  /** A port to try; called again for each attempt. Default: serverPort(). */
  pickPort?: () => Promise<number>;
  /** Starts tried per node on a port found taken before giving up (default 5). */
  attempts?: number;
}

/** A start that failed with the server's output (its log: `logfile ""` sends it to stdout). */
class StartFailed extends Error {
  constructor(
    message: string,
    readonly output: string,
  ) {
    super(`${message}\n--- server log ---\n${output.trim()}`);
  }
}

/** A start that failed only because another process took the port between picking and binding. */
const portTaken = (error: unknown) =>
  error instanceof StartFailed && /Address already in use/.test(error.output);

function waitReady(child: ChildProcess, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    // Generous: on a loaded machine a start can take seconds; a slow start is not a failed one.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new StartFailed(`redis-server on 127.0.0.1:${port} did not start within 30 s`, output));
    }, 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    // 'close', not 'exit': only then has all of its output been read.
    child.once('close', (code) => {
      clearTimeout(timer);
      reject(new StartFailed(`redis-server on 127.0.0.1:${port} exited with ${code}`, output));
    });
  });
}

/**
 * Starts one redis-server per entry on free ports, without persistence, in one temp dir. A port
 * taken between picking and binding means another port, up to `attempts` times per node; any
 * failure throws with the server's log.
 */
export async function startRedisServers(
  specs: RedisServerOptions[],
  options: RedisStartOptions = {},
): Promise<RedisServers> {
  const pickPort = options.pickPort ?? serverPort;
  const attempts = options.attempts ?? 5;
  const dir = await mkdtemp(join(tmpdir(), 'rotor-redis-'));
  const children: ChildProcess[] = [];
  const servers: RedisServer[] = [];
  const close = async () => {
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGKILL');
          }),
      ),
    );
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  };
  const startOne = async (index: number, spec: RedisServerOptions, port: number): Promise<RedisServer> => {
    const lines = [
      `port ${port}`,
      'bind 127.0.0.1',
      'save ""',
      'appendonly no',
      `dir ${dir}`,
      'logfile ""',
      'daemonize no',
    ];
    if (spec.password) lines.push(`requirepass "${spec.password}"`, `masterauth "${spec.password}"`);
    if (spec.replicaOf !== undefined) lines.push(`replicaof 127.0.0.1 ${servers[spec.replicaOf].port}`);
    lines.push(...(spec.extra ?? []));
    let configPath = '';
    let args: string[];
    if (spec.configFile === false) {
      args = lines
        .map((line) => `--${line}`)
        .flatMap((line) => {
          const [key, ...rest] = line.split(' ');
          return [key, ...rest.map((part) => part.replace(/^"(.*)"$/, '$1'))];
        });
    } else {
      configPath = join(dir, `node-${index}.conf`);
      await writeFile(configPath, `${lines.join('\n')}\n`);
      args = [configPath];
    }
    const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    await waitReady(child, port);
    const path = configPath;
    return {
      port,
      node: `127.0.0.1:${port}`,
      configPath: path,
      readConfig: () => (path ? readFile(path, 'utf8') : Promise.resolve('')),
    };
  };
  try {
    for (const [index, spec] of specs.entries()) {
      for (let attempt = 1; ; attempt++) {
        try {
          servers.push(await startOne(index, spec, await pickPort()));
          break;
        } catch (error) {
          if (portTaken(error) && attempt < attempts) continue;
          if (error instanceof Error) error.message += `\n(attempt ${attempt} of ${attempts})`;
          throw error;
        }
      }
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { servers, nodes: servers.map((s) => s.node), close };
}
