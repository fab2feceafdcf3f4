import { afterEach, describe, expect, it } from 'vitest';
import { createActionRegistry } from '../src/actions/index.js';
import { findRunbook, loadCatalog } from '../src/session/catalog.js';
import { CLI, runCli, tempHome } from './support/cli.js';
import { TmuxTerminal } from './support/tmux.js';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

const PATH = 'harmonyflow/session-state-service';
const actions = createActionRegistry();
const apiKey = findRunbook('api-key', loadCatalog(actions), actions);

describe("a policy's run from `rotor policy browse` in a real terminal (tmux, 80x24, NO_COLOR)", () => {
  it('r runs the policy with its inputs; s keeps an edit in the policy; the run reaches its first approval', async () => {
    const { home, cleanup } = tempHome();
    cleanups.push(cleanup);
    const env = { ROTOR_HOME: home };
    const added = await runCli(
      [
        'policy',
        'add',
        PATH,
        '--env',
        'sandbox',
        '--rotation-type',
        'scheduled',
        '--rotation-period-days',
        '30',
      ].concat(['--runbook', 'api-key', '--input', 'sync_timeout_seconds=50']),
      env,
    );
    expect(added.code, added.stderr).toBe(0);

    const term = TmuxTerminal.start(`node ${CLI} policy browse --env sandbox`, {
      env: { ROTOR_HOME: home, NO_COLOR: '1' },
    });
    cleanups.push(() => term.close());
    await term.waitFor(`› ${PATH}`);
    expect(await term.waitFor('r run now')).toContain('Rotation policies in sandbox');
    term.press('r');
    let screen = await term.waitFor('Inputs for Admin API key');
    expect(screen).toMatch(/secret_path +harmonyflow\/session-state-service +policy/);
    expect(screen).toMatch(/sync_timeout_seconds +50 +policy/);
    // The cursor starts on the first input (all set): exactly as many Downs as inputs before it.
    const index = Object.keys(apiKey.runbook.inputs).indexOf('sync_timeout_seconds');
    for (let i = 0; i < index; i++) term.press('Down');
    await term.waitFor(/› {3}sync_timeout_seconds/);
    term.press('Enter');
    await term.waitFor('sync_timeout_seconds: 50▌');
    term.press('C-u');
    term.type('40');
    await term.waitFor('sync_timeout_seconds: 40▌');
    term.press('Enter');
    await term.waitFor(/sync_timeout_seconds +40 +typed/);
    term.press('s');
    await term.waitFor('0 of 4 checked');
    for (let i = 1; i <= 4; i++) {
      term.press('Enter');
      await term.waitFor(i < 4 ? `${i} of 4 checked` : 'All checked');
    }
    term.press('Enter');
    screen = await term.waitFor('? Approve', 30_000);
    expect(screen).toContain('Record the current version of the secret');

    const shown = await runCli(['policy', 'show', PATH, '--env', 'sandbox', '--json'], env);
    expect(JSON.parse(shown.stdout).inputs).toEqual({ sync_timeout_seconds: '40' });
  });
});
