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

/** Accepts every input as it stands (defaults, secret ones too) with one key, then ticks the whole checklist. */
async function acceptDefaultsAndChecklist(term: TmuxTerminal, title: string): Promise<void> {
  await term.waitFor(new RegExp(`Inputs for ${title}[^\\n]*· all set`));
  term.press('a');
  const checklist = await term.waitFor(/0 of (\d+) checked/);
  const items = Number(/0 of (\d+) checked/.exec(checklist)![1]);
  for (let i = 1; i <= items; i++) {
    term.press('Enter');
    await term.waitFor(i < items ? `${i} of ${items} checked` : 'All checked');
  }
  term.press('Enter');
}

function fitsTheTerminal(screen: string): void {
  const lines = screen.replace(/\n$/, '').split('\n'); // capture-pane ends with a newline
  expect(lines.length).toBeLessThanOrEqual(24);
  for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(80);
}

function journalOf(home: string): string {
  const [file] = readdirSync(join(home, 'sessions'));
  return readFileSync(join(home, 'sessions', file), 'utf8');
}

describe('emergency and jwt in a real terminal (tmux, 80x24, NO_COLOR)', () => {
  it('walks emergency by keys: one approval per phase, all six secrets counted, a summary', async () => {
    const { term, home } = open(
      'run emergency --env sandbox --set sync_timeout_seconds=20 --set rollout_timeout_seconds=60',
    );
    await acceptDefaultsAndChecklist(term, 'Emergency rotation');
    await term.waitFor('? Approve Vault answers');
    term.press('y');
    const approval = await term.waitFor('? Approve Rotate every secret');
    fitsTheTerminal(approval);
    expect(approval).toContain('6 steps in parallel (at most 16 at once):');
    term.press('y');
    // While the sync waits for its approval, the rotation's group stands done: all six secrets counted.
    const sync = await term.waitFor('? Approve Sync every ExternalSecret');
    expect(sync).toMatch(/✔\s+Rotate every secret \(and the data stores behind them\) \(6\/6\)/);
    fitsTheTerminal(sync);
    term.press('y');
    await term.waitFor('? Approve Revoke every session');
    term.press('y');
    await term.waitFor('? Approve Restart everything in the namespaces');
    term.press('y');
    await term.waitFor('? Approve Mark the pods security-alert=true', 60_000);
    term.press('y');
    await term.waitFor('? Approve Health, a new login');
    term.press('y');
    const summary = await term.waitFor('Enter or q to exit', 30_000);
    fitsTheTerminal(summary);
    expect(summary).toContain('Succeeded');
    term.press('Enter');
    await term.waitFor('EXIT:0');
    const journal = journalOf(home);
    expect(journal).toContain('"status":"succeeded"');
    for (const id of ['rotate', 'sync', 'revoke-sessions', 'restart', 'annotate', 'verify'])
      expect(journal).toContain(`"type":"step-succeeded","stepId":"${id}"`);
  }, 120_000);

  it('walks jwt by keys and rolls back at an approval after the Vault write (b twice)', async () => {
    const { term, home } = open(
      'run jwt --env sandbox --set sync_timeout_seconds=20 --set rollout_timeout_seconds=60',
    );
    await acceptDefaultsAndChecklist(term, 'JWT signing secrets');
    for (const step of [
      'Record the current version',
      'Log in before the rotation',
      'Generate the new access-token',
      'Generate the new refresh-token',
      'Write the new secrets to Vault',
    ]) {
      await term.waitFor(`? Approve ${step}`);
      term.press('y');
    }
    await term.waitFor('? Approve Sync the Kubernetes Secret');
    term.press('b');
    await term.waitFor('Press b again to roll back');
    term.press('b');
    const summary = await term.waitFor('Enter or q to exit', 60_000);
    fitsTheTerminal(summary);
    expect(summary).toMatch(/[Rr]olled back/);
    term.press('Enter');
    await term.waitFor('EXIT:1');
    const journal = journalOf(home);
    expect(journal).toContain('"type":"step-rolled-back","stepId":"rotate"');
    expect(journal).toContain('"status":"rolled-back"');
  }, 120_000);
});
