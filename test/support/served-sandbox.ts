import { spawn } from 'node:child_process';
import { CLI, tempHome } from './cli.js';

/** Starts `rotor sandbox` in its own process and resolves with the variables it printed. */
export function startSandbox(args: string[] = [], givenHome?: string) {
  const own = givenHome ? undefined : tempHome();
  const home = givenHome ?? own!.home;
  const cleanup = () => own?.cleanup();
  const child = spawn(process.execPath, [CLI, 'sandbox', ...args], {
    env: { ...process.env, ROTOR_HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const vars = new Promise<Record<string, string>>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Ctrl+C stops'))
        resolve(
          Object.fromEntries(
            out
              .split('\n')
              .filter((l) => /^[A-Z_]+=/.test(l))
              .map((l) => [l.split('=')[0], l.slice(l.indexOf('=') + 1)]),
          ),
        );
    });
    child.on('close', (code) => reject(new Error(`rotor sandbox exited ${code}: ${out}`)));
  });
  const exit = new Promise<number | null>((resolve) => child.on('close', resolve));
  return { child, vars, exit, cleanup };
}
