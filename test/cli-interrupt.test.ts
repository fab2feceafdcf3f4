import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, runCli, tempHome } from './support/cli.js';

const homes: Array<() => void> = [];
afterEach(() => homes.splice(0).forEach((c) => c()));

describe('signals and protected environments', () => {
  it('on SIGINT finishes the running step, follows on_failure, journals it and exits 130', async () => {
    const { home, cleanup } = tempHome();
    homes.push(cleanup);
    const child = spawn(
      process.execPath,
      [CLI, 'run', 'demo', '--env', 'sandbox', '--yes', '--json', '--set', 'grace_seconds=2'],
      { env: { ...process.env, ROTOR_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    const code = await new Promise<number | null>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('"stepId":"grace"') && out.includes('step-started') && !child.killed)
          child.kill('SIGINT');
      });
      child.on('close', resolve);
    });
    expect(code).toBe(130);
    const events = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; stepId?: string; outcome?: { status: string } });
    // The grace step was not cut short: it finished before the interrupt was honoured.
    expect(events.some((e) => e.type === 'step-succeeded' && e.stepId === 'grace')).toBe(true);
    expect(events.some((e) => e.type === 'step-started' && e.stepId === 'health')).toBe(false);
    expect(events.at(-1)).toMatchObject({ type: 'session-ended', outcome: { status: 'aborted' } });
    const [file] = readdirSync(join(home, 'sessions'));
    expect(readFileSync(join(home, 'sessions', file), 'utf8')).toContain('interrupt-requested');
  });

  it('refuses --yes on a protected environment without --confirm-env, and names the fix', async () => {
    const { home, cleanup } = tempHome();
    homes.push(cleanup);
    expect((await runCli(['env', 'add', 'prod', '--protected'], { ROTOR_HOME: home })).code).toBe(0);
    const list = await runCli(['env', 'list'], { ROTOR_HOME: home });
    expect(list.stdout).toMatch(/prod\s+protected/);
    const refused = await runCli(['run', 'demo', '--env', 'prod', '--yes'], { ROTOR_HOME: home });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('environment prod is protected: --yes needs --confirm-env prod');
    const wrong = await runCli(['run', 'demo', '--env', 'prod', '--yes', '--confirm-env', 'production'], {
      ROTOR_HOME: home,
    });
    expect(wrong.code).toBe(2);
    const confirmed = await runCli(
      [
        'run',
        'demo',
        '--env',
        'prod',
        '--yes',
        '--confirm-env',
        'prod',
        '--set',
        'service_url=http://127.0.0.1:1',
        '--set',
        'grace_seconds=0',
      ],
      { ROTOR_HOME: home },
    );
    // Past the protection check: the demo then fails on the unreachable service, and says where.
    expect(confirmed.stderr).not.toContain('protected');
    expect(confirmed.stdout).toContain('127.0.0.1:1');
  });
});
