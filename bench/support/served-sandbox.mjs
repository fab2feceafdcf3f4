// The sandbox `rotor sandbox --tls` serves (the same startSandboxWorld from dist/, Vault over
// HTTPS with its own CA), hosted by the bench process, and the rotor CLI run against it as
// `--env local` in a child process: rotor's figures are its own, the emulators' CPU is not in
// them. A latency proxy can stand in front of Vault.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, ROOT } from '../lib.mjs';

const { startSandboxWorld } = await import(join(ROOT, 'dist', 'src', 'sandbox', 'world.js'));

/** Serves the sandbox as `rotor sandbox --tls` does (pods ready after 1.5 s, as it serves them). */
export function serveSandbox(readinessDelayMs = 1500) {
  return startSandboxWorld({ vaultTls: true, readinessDelayMs });
}

/** Peak RSS so far of a process (VmHWM), in MB; undefined once it is gone. */
function peakRssMb(pid) {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs `rotor run <runbook> --env local --yes --json` against `world`, Vault reached at
 * `vaultAddr` (the proxy). Returns wall ms, the events, and rotor's peak RSS. `cli` picks another
 * build of rotor (to measure before/after in one run).
 */
export function runRotor(world, vaultAddr, runbook, sets = [], { cli = CLI, timeoutMs = 600_000 } = {}) {
  const home = mkdtempSync(join(tmpdir(), 'rotor-bench-home-'));
  const args = [cli, 'run', runbook, '--env', 'local', '--yes', '--json'];
  for (const s of sets) args.push('--set', s);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, {
      cwd: home,
      env: {
        ...process.env,
        // The sandbox's own demo values (service URL, admin token), as `rotor sandbox` users export.
        ...world.env,
        ROTOR_INPUT_ADMIN_TOKEN: world.env.ROTOR_SANDBOX_ADMIN_TOKEN,
        NO_COLOR: '1',
        ROTOR_HOME: home,
        VAULT_ADDR: vaultAddr,
        VAULT_CACERT: world.sandbox.vaultCaCertFile,
        VAULT_TOKEN: world.sandbox.vault.rootToken,
        KUBECONFIG: world.sandbox.kube.kubeconfigPath,
        ROTOR_SERVICE_URL: world.env.ROTOR_SERVICE_URL,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, peakRssMb(child.pid) ?? 0)), 20);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      const ms = performance.now() - started;
      clearInterval(sampler);
      clearTimeout(timer);
      rmSync(home, { recursive: true, force: true });
      if (code !== 0)
        return reject(new Error(`rotor run ${runbook} exited ${code}\n${stderr}\n${stdout.slice(-2000)}`));
      const events = stdout
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l));
      resolve({ ms, events, peakRssMb: peak });
    });
  });
}
