import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
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

/**
 * A served sandbox for a test file: started before its tests, stopped after. `env()` gives the
 * variables a separate rotor process needs to reach it with `--env local`, with a HOME and
 * ROTOR_HOME of its own (no ~/.kube/config or ~/.vault-token of the machine's user leaks in).
 */
export function useServedSandbox(): { env: () => Record<string, string> } {
  let sandbox: ReturnType<typeof startSandbox> | undefined;
  let env: Record<string, string> = {};
  let home = '';
  beforeAll(async () => {
    sandbox = startSandbox();
    const vars = await sandbox.vars;
    home = mkdtempSync(join(tmpdir(), 'rotor-served-'));
    env = {
      VAULT_ADDR: vars.VAULT_ADDR,
      VAULT_TOKEN: vars.VAULT_TOKEN,
      KUBECONFIG: vars.KUBECONFIG,
      ROTOR_HOME: home,
      HOME: home,
    };
  }, 90_000);
  afterAll(async () => {
    sandbox?.child.kill('SIGINT');
    await sandbox?.exit;
    sandbox?.cleanup();
    if (home) rmSync(home, { recursive: true, force: true });
  });
  return { env: () => env };
}
