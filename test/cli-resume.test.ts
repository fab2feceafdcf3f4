import { jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { CLI, runCli, tempHome } from './support/cli.js';
import { startSandbox as startServed } from './support/served-sandbox.js';
import { TmuxTerminal } from './support/tmux.js';

/** `rotor sandbox` in its own process: the emulators outlive the rotor run we kill. */
async function startSandbox(home: string) {
  const served = startServed([], home);
  return { child: served.child, vars: await served.vars };
}

/** Presses y whenever an approval is on screen, then Enter at the summary, until `done` shows. */
async function approveUntil(terminal: TmuxTerminal, done: RegExp, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let screen = '';
  while (Date.now() < deadline) {
    screen = terminal.screen();
    if (done.test(screen)) return screen;
    if (screen.includes('y approve')) terminal.press('y');
    else if (screen.includes('Enter keep (empty: the default)'))
      terminal.press('Enter'); // a secret input asked again: its default
    else if (screen.includes('a accept all'))
      terminal.press('a'); // the inputs review at resume
    else if (screen.includes('Enter or q to exit')) terminal.press('Enter');
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the terminal never showed ${String(done)}; last screen:\n${screen}`);
}

describe('rotor resume after a real kill', () => {
  it('a jwt rotation killed with SIGKILL during the restart is offered by the TUI at start and finished there, consistently', async () => {
    const { home, cleanup } = tempHome();
    const sandbox = await startSandbox(home);
    const env = {
      ROTOR_HOME: home,
      VAULT_ADDR: sandbox.vars.VAULT_ADDR,
      VAULT_TOKEN: sandbox.vars.VAULT_TOKEN,
      KUBECONFIG: sandbox.vars.KUBECONFIG,
      NO_COLOR: '1',
    };
    const terminal = { current: undefined as TmuxTerminal | undefined };
    try {
      const args = [
        'run',
        'jwt',
        '--env',
        'local',
        '--yes',
        '--json',
        '--set',
        `service_url=${sandbox.vars.ROTOR_SERVICE_URL}`,
      ];
      const run = spawn(process.execPath, [CLI, ...args], {
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
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
      const sessions = JSON.parse((await runCli(['sessions', '--json'], env)).stdout) as Array<{
        sessionId: string;
        status: string;
      }>;
      const unfinished = sessions.find((s) => s.status === 'unfinished')!;
      expect(unfinished).toBeDefined();

      // The TUI offers the interrupted session before anything else; Enter resumes it there.
      terminal.current = TmuxTerminal.start(`node ${CLI} --env sandbox`, { env, height: 30 });
      const offer = await terminal.current.waitFor('Start a new rotation');
      expect(offer).toContain('unfinished session(s)');
      expect(offer).toMatch(
        new RegExp(`› Resume jwt in local, by .*: stopped inside restart \\(${unfinished.sessionId}`),
      );
      terminal.current.press('Enter');
      // Approve every remaining step until the summary (the operator's y; extra presses are ignored).
      const summary = await approveUntil(terminal.current, /EXIT:\d+/, 120_000);
      expect(summary).toMatch(/EXIT:[01]\b/);
      terminal.current.close();

      const events = JSON.parse(
        (await runCli(['sessions', 'show', unfinished.sessionId, '--json'], env)).stdout,
      ) as Array<{ type: string; stepId?: string; line?: string }>;
      expect(
        events.some((e) => e.type === 'step-log' && e.stepId === 'rotate' && /restored/.test(e.line ?? '')),
        JSON.stringify(events.map((e) => e.type)),
      ).toBe(true);
      // Consistent: a token the service issues now verifies with the secret in Vault's current version.
      const current = await fetch(
        `${sandbox.vars.VAULT_ADDR}/v1/secret/data/harmonyflow/session-state-service`,
        { headers: { 'X-Vault-Token': sandbox.vars.VAULT_TOKEN } },
      ).then((r) => r.json() as Promise<{ data: { data: Record<string, string> } }>);
      const login = await fetch(`${sandbox.vars.ROTOR_SERVICE_URL}/v1/auth/login`, {
        method: 'POST',
        body: JSON.stringify({ username: 'test', password: 'test' }),
      }).then((r) => r.json() as Promise<{ token: string }>);
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
