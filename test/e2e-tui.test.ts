import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, tempHome } from './support/cli.js';
import { TmuxTerminal } from './support/tmux.js';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function open(args: string): { term: TmuxTerminal; home: string } {
  const { home, cleanup } = tempHome();
  const term = TmuxTerminal.start(`node ${CLI} ${args}`, { env: { ROTOR_HOME: home, NO_COLOR: '1' } });
  cleanups.push(() => term.close(), cleanup);
  return { term, home };
}

describe('the TUI in a real terminal (tmux, 80x24, NO_COLOR)', () => {
  it('walks the demo runbook by keys: pick, inputs, checklist, approvals, summary', async () => {
    const { term, home } = open('--env sandbox');
    await term.waitFor('Choose a runbook for sandbox');
    // Runbooks are listed by title; walk down to the demo.
    for (let i = 0; i < 20 && !/› Demo rotation/.test(term.screen()); i++) {
      term.press('Down');
      await new Promise((r) => setTimeout(r, 100));
    }
    await term.waitFor('› Demo rotation');
    term.press('Enter');
    await term.waitFor('Inputs for Demo rotation');
    // service_url keeps its default (the sandbox's own address); grace_seconds is edited to 1.
    term.press('Down');
    await term.waitFor(/› {3}grace_seconds/);
    term.press('Enter');
    await term.waitFor('grace_seconds: 3▌');
    term.press('C-u');
    term.type('1');
    await term.waitFor('grace_seconds: 1▌');
    term.press('Enter');
    await term.waitFor(/grace_seconds +1 +typed/);
    term.press('a');
    await term.waitFor('Before you start');
    term.press('Enter');
    await term.waitFor('1 of 2 checked');
    term.press('Enter');
    await term.waitFor('All checked');
    term.press('Enter');
    await term.waitFor('? Approve Draw a new 32-character secret');
    term.press('y');
    await term.waitFor('? Approve Grace period');
    term.press('y');
    await term.waitFor('? Approve Service health answers 200');
    term.press('y');
    await term.waitFor('? Approve A login still works');
    term.press('y');
    const summary = await term.waitFor('Enter or q to exit');
    expect(summary).toContain('Succeeded');
    expect(summary).toMatch(/✔\s+Service health answers 200/);
    expect(summary).toContain(`Journal: ${home}/sessions/`);
    expect(summary.split('\n').every((line) => line.length <= 80)).toBe(true);
    term.press('Enter');
    await term.waitFor('EXIT:0');
    const [file] = readdirSync(join(home, 'sessions'));
    expect(readFileSync(join(home, 'sessions', file), 'utf8')).toContain('"status":"succeeded"');
  });

  it('Ctrl+C at an approval asks what to do, and leaving as is exits 130', async () => {
    const { term } = open('run demo --env sandbox --set grace_seconds=0');
    const inputs = await term.waitFor('Inputs for Demo rotation');
    expect(inputs).toMatch(/grace_seconds +0 +--set/);
    term.press('a');
    await term.waitFor('Before you start');
    term.press('Enter');
    await term.waitFor('1 of 2 checked');
    term.press('Enter');
    await term.waitFor('All checked');
    term.press('Enter');
    await term.waitFor('? Approve Draw a new 32-character secret');
    term.press('y');
    await term.waitFor('? Approve Grace period');
    term.press('C-c');
    await term.waitFor('Interrupted (Ctrl+C)');
    term.press('l');
    await term.waitFor(/Enter or q to exit|EXIT:/);
    term.press('Enter');
    await term.waitFor('EXIT:130');
  });
});
