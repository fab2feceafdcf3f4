import { spawn } from 'node:child_process';
import { jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { CLI, runCli, tempHome } from './support/cli.js';
import { TmuxTerminal } from './support/tmux.js';

/** `rotor sandbox` in its own process: the emulators outlive the rotor run we kill. */
async function startSandbox(home: string) {
  const child = spawn(process.execPath, [CLI, 'sandbox'], { env: { ...process.env, ROTOR_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
  const vars = await new Promise<Record<string, string>>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Ctrl+C stops')) resolve(Object.fromEntries(out.split('\n').filter((l) => /^[A-Z_]+=/.test(l)).map((l) => [l.split('=')[0], l.slice(l.indexOf('=') + 1)])));
    });
    child.on('close', (code) => reject(new Error(`rotor sandbox exited ${code}`)));
  });
  return { child, vars };
}

describe('rotor resume after a real kill', () => {
  it('a jwt rotation killed with SIGKILL during the restart is finished by rotor resume, consistently', async () => {
    const { home, cleanup } = tempHome();
    const sandbox = await startSandbox(home);
    const env = { ROTOR_HOME: home, VAULT_ADDR: sandbox.vars.VAULT_ADDR, VAULT_TOKEN: sandbox.vars.VAULT_TOKEN, KUBECONFIG: sandbox.vars.KUBECONFIG, NO_COLOR: '1' };
    const terminal = { current: undefined as TmuxTerminal | undefined };
    try {
      const args = ['run', 'jwt', '--env', 'local', '--yes', '--json', '--set', `service_url=${sandbox.vars.ROTOR_SERVICE_URL}`];
      const run = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      const killed = await new Promise<boolean>((resolve) => {
        run.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (/"type":"step-started","stepId":"restart"/.test(out) && !run.killed) {
            run.kill('SIGKILL');
            resolve(true);
          }
        });
        run.on('close', () => resolve(false));
      });
      expect(killed, out).toBe(true);
      const sessionId = out.split('\n').map((l) => { try { return JSON.parse(l) as { type: string }; } catch { return undefined; } }).find(Boolean) && (await runCli(['sessions', '--json'], env)).stdout;
      const sessions = JSON.parse(sessionId as string) as Array<{ sessionId: string; status: string }>;
      const unfinished = sessions.find((s) => s.status === 'unfinished')!;
      expect(unfinished).toBeDefined();

      // The TUI names the interrupted session before anything else.
      terminal.current = TmuxTerminal.start(`node ${CLI} --env sandbox`, { env });
      // The notice comes first; a long runbook list may scroll its heading off a 24-line screen.
      const screen = await terminal.current.waitFor(`rotor resume ${unfinished.sessionId}`);
      expect(screen).toContain('(jwt in local');
      terminal.current.close();

      const resumed = await runCli(['resume', unfinished.sessionId, '--yes', '--json'], env, 120_000);
      expect([0, 1], resumed.stderr).toContain(resumed.code);
      const events = resumed.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; stepId?: string; line?: string });
      expect(events.some((e) => e.type === 'step-log' && e.stepId === 'rotate' && /restored/.test(e.line ?? ''))).toBe(true);
      // Consistent: a token the service issues now verifies with the secret in Vault's current version.
      const current = await fetch(`${sandbox.vars.VAULT_ADDR}/v1/secret/data/harmonyflow/session-state-service`, { headers: { 'X-Vault-Token': sandbox.vars.VAULT_TOKEN } }).then((r) => r.json() as Promise<{ data: { data: Record<string, string> } }>);
      const login = await fetch(`${sandbox.vars.ROTOR_SERVICE_URL}/v1/auth/login`, { method: 'POST', body: JSON.stringify({ username: 'test', password: 'test' }) }).then((r) => r.json() as Promise<{ token: string }>);
      await jwtVerify(login.token, new TextEncoder().encode(current.data.data['jwt-secret']));
      const verify = await runCli(['sessions', 'verify', unfinished.sessionId], env);
      expect(verify.stdout).toContain('hash chain intact');
    } finally {
      terminal.current?.close();
      sandbox.child.kill('SIGINT');
      cleanup();
    }
  }, 180_000);
});
