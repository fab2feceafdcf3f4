import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';

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

function waitReady(child: ChildProcess, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => reject(new Error(`redis-server on ${port} did not start: ${output}`)),
      10_000,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server on ${port} exited with ${code}: ${output}`));
    });
  });
}

/** Starts one redis-server per entry on free ports, without persistence, in one temp dir. */
export async function startRedisServers(specs: RedisServerOptions[]): Promise<RedisServers> {
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
  try {
    for (const [index, spec] of specs.entries()) {
      const port = await freePort();
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
      servers.push({
        port,
        node: `127.0.0.1:${port}`,
        configPath: path,
        readConfig: () => (path ? readFile(path, 'utf8') : Promise.resolve('')),
      });
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { servers, nodes: servers.map((s) => s.node), close };
}
