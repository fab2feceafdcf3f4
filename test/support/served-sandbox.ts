import { spawn, type ChildProcess } from 'node:child_process';
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

/** A `rotor sandbox` in its own process, and what it printed. */
export interface ServedSandbox {
  /** Every `NAME=value` it printed, the commented Kubernetes-auth ones included. */
  vars: Record<string, string>;
  /**
   * What a client process needs to reach it as a real environment with Kubernetes auth: the Vault
   * address, the kubeconfig, the service-account token file and role, and no Vault token.
   */
  clientEnv: Record<string, string>;
  child: ChildProcess;
  /** Stops it (SIGINT, as Ctrl+C) and waits; never throws. */
  close(): Promise<void>;
}

/**
 * Starts `rotor sandbox` with `--forward` pod ports to servers the caller started, so those are
 * reachable only through the emulator's port-forward, and Vault's Kubernetes auth configured.
 */
export async function startServedSandbox(
  forwards: string[] = [],
  timeoutMs = 60_000,
): Promise<ServedSandbox> {
  const home = tempHome();
  const child = spawn(process.execPath, [CLI, 'sandbox', ...forwards.flatMap((f) => ['--forward', f])], {
    env: { ...process.env, ROTOR_HOME: home.home, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const vars = await new Promise<Record<string, string>>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`rotor sandbox did not start within ${timeoutMs} ms:\n${out}\n${err}`)),
      timeoutMs,
    );
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!out.includes('Ctrl+C stops')) return;
      clearTimeout(timer);
      const lines = out.split('\n').map((l) => l.replace(/^# /, ''));
      resolve(
        Object.fromEntries(
          lines
            .filter((l) => /^[A-Z0-9_]+=/.test(l))
            .map((l) => [l.split('=')[0], l.slice(l.indexOf('=') + 1)]),
        ),
      );
    });
    child.on('close', (code) => reject(new Error(`rotor sandbox exited ${code}:\n${out}\n${err}`)));
  });
  return {
    vars,
    clientEnv: {
      VAULT_ADDR: vars.VAULT_ADDR,
      KUBECONFIG: vars.KUBECONFIG,
      VAULT_K8S_ROLE: vars.VAULT_K8S_ROLE,
      VAULT_K8S_TOKEN_PATH: vars.VAULT_K8S_TOKEN_PATH,
      ROTOR_SERVICE_URL: vars.ROTOR_SERVICE_URL,
    },
    child,
    async close() {
      child.kill('SIGINT');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
      home.cleanup();
    },
  };
}
