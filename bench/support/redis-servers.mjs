// redis-server processes for benchmarks (a small version of test/support/redis-servers.ts): one
// per spec, on free ports bound to 127.0.0.1, no persistence, config files in one temp dir.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './net.mjs';

function waitReady(child, port) {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => reject(new Error(`redis-server on ${port} did not start: ${output}`)),
      10_000,
    );
    const onData = (chunk) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server on ${port} exited with ${code}: ${output}`));
    });
  });
}

/** specs: [{ password?, extra?: string[], replicaOf?: index }] */
export async function startRedisServers(specs) {
  const dir = await mkdtemp(join(tmpdir(), 'rotor-bench-redis-'));
  const children = [];
  const servers = [];
  const close = async () => {
    await Promise.all(
      children.map(
        (child) =>
          new Promise((resolve) => {
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
      const configPath = join(dir, `node-${index}.conf`);
      await writeFile(configPath, `${lines.join('\n')}\n`);
      const child = spawn('redis-server', [configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(child);
      await waitReady(child, port);
      servers.push({ port, node: `127.0.0.1:${port}` });
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { servers, nodes: servers.map((s) => s.node), close };
}
