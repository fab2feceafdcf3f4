import { beforeAll, describe, expect, it } from 'vitest';
import { CLI, runCli } from './support/cli.js';
import { useServedSandbox } from './support/served-sandbox.js';
import { TmuxTerminal } from './support/tmux.js';

const served = useServedSandbox();
let env: Record<string, string>;
beforeAll(() => {
  env = served.env();
});

describe('the fleet screen in a real terminal', () => {
  it('checks every secret from the picker, opens the stale row, and its repair makes it agree', async () => {
    const terminal = TmuxTerminal.start(`node ${CLI} --env local`, { env: { ...env, NO_COLOR: '1' } });
    try {
      await terminal.waitFor('Check every secret (Vault, Kubernetes and pods agree?)', 30_000);
      terminal.press('Enter');
      const table = await terminal.waitFor(/\d+ checked/, 30_000);
      expect(table).toMatch(/› harmonyflow\/iot-dashboard .* drift/);
      expect(table).toMatch(/\d+ secrets: \d+ agree, 2 drift, 1 overdue, 0 unreachable/);
      terminal.press('Enter');
      await terminal.waitFor('Enter run propagate');
      terminal.press('Enter');
      await terminal.waitFor('Vault holds the value the workload should run with');
      await new Promise((r) => setTimeout(r, 300)); // the screen's key handler subscribes after it draws
      terminal.press('Space');
      await terminal.waitFor('All checked. Press Enter to start');
      terminal.press('Enter');
      const deadline = Date.now() + 90_000;
      let screen = '';
      while (Date.now() < deadline && !/EXIT:\d+/.test(screen)) {
        screen = terminal.screen();
        if (screen.includes('y approve')) terminal.press('y');
        else if (screen.includes('Enter or q to exit')) terminal.press('Enter');
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(screen).toContain('EXIT:0');
    } finally {
      terminal.close();
    }
    const after = await runCli(['check', '--env', 'local', 'harmonyflow/iot-dashboard'], env, 60_000);
    expect(after.code, after.stdout).toBe(0);
    expect(after.stdout).toMatch(/harmonyflow\/iot-dashboard +✓ v2 \d+s +✓ +✓ 1\/1 +· +agree/);
  }, 240_000);
});
