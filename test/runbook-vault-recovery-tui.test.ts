import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, tempHome } from './support/cli.js';
import { TmuxTerminal } from './support/tmux.js';

const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Sandbox {
  env: Record<string, string>;
  keys: string[];
}

/** `rotor sandbox --fault vault-sealed` in the background, as a trainee starts it in another shell. */
async function sealedSandbox(home: string): Promise<Sandbox> {
  const child: ChildProcess = spawn(process.execPath, [CLI, 'sandbox', '--fault', 'vault-sealed'], {
    env: { ...process.env, ROTOR_HOME: home, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  );
  let out = '';
  const deadline = Date.now() + 30_000;
  child.stdout!.on('data', (d) => (out += d));
  while (!/# unseal key shares[^\n]*\n/.test(out)) {
    if (Date.now() > deadline || child.exitCode !== null)
      throw new Error(`rotor sandbox did not print its unseal keys:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const env = Object.fromEntries(
    [...out.matchAll(/^(VAULT_ADDR|VAULT_TOKEN|KUBECONFIG)=(.*)$/gm)].map((m) => [m[1], m[2]]),
  );
  const keys = /# unseal key shares[^:]*: (.*)/.exec(out)![1].trim().split(/\s+/);
  return { env, keys };
}

describe('vault-recovery in a real terminal (tmux, 80x24, NO_COLOR) against `rotor sandbox`', () => {
  it('asks each key holder for a share, masked, "share k of 3", and brings External Secrets back', async () => {
    const { home, cleanup } = tempHome();
    cleanups.push(cleanup);
    const sandbox = await sealedSandbox(home);
    const term = TmuxTerminal.start(
      `node ${CLI} run vault-recovery --env local --set sync_timeout_seconds=20`,
      { env: { ROTOR_HOME: home, NO_COLOR: '1', ...sandbox.env } },
    );
    cleanups.push(() => term.close());

    await term.waitFor(/Inputs for Vault unavailable[^\n]*· all set/);
    term.press('a'); // unseal_keys left empty: the key holders type theirs
    await term.waitFor('0 of 3 checked');
    for (let i = 1; i <= 3; i++) {
      term.press('Enter');
      await term.waitFor(i < 3 ? `${i} of 3 checked` : 'All checked');
    }
    term.press('Enter');
    await term.waitFor("? Approve Vault's seal status");
    term.press('y');
    await term.waitFor('? Approve Unseal Vault');
    term.press('y');
    for (const [i, key] of sandbox.keys.slice(0, 3).entries()) {
      await term.waitFor(`? Unseal key share ${i + 1} of 3 (typed characters are hidden)`);
      term.type(key);
      await new Promise((r) => setTimeout(r, 200));
      expect(term.screen()).not.toContain(key.slice(0, 12));
      term.press('Enter');
    }
    await term.waitFor('Vault unsealed with 3 share(s)');
    const sealStatus = await fetch(`${sandbox.env.VAULT_ADDR}/v1/sys/seal-status`);
    expect(((await sealStatus.json()) as { sealed: boolean }).sealed).toBe(false);
    for (const step of [
      'Vault is unsealed and active',
      'The External Secrets controller is ready',
      'Make every ExternalSecret read Vault again',
    ]) {
      await term.waitFor(`? Approve ${step}`);
      term.press('y');
    }
    const summary = await term.waitFor('Enter or q to exit', 30_000);
    expect(summary).toContain('Succeeded');
    for (const key of sandbox.keys) expect(summary).not.toContain(key.slice(0, 12));
    term.press('Enter');
    await term.waitFor('EXIT:0');
  }, 120_000);
});
