import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, tempHome } from './support/cli.js';

const homes: Array<() => void> = [];
afterEach(() => homes.splice(0).forEach((cleanup) => cleanup()));

function home(): string {
  const { home, cleanup } = tempHome();
  homes.push(cleanup);
  return home;
}

/** Every journal record written under a ROTOR_HOME, by type. */
function recordTypes(rotorHome: string): string[] {
  const dir = join(rotorHome, 'sessions');
  return readdirSync(dir).flatMap((file) =>
    readFileSync(join(dir, file), 'utf8')
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { type: string }).type),
  );
}

describe('rotor run refuses before the first step what can only fail later', () => {
  it('generic with kubernetes=true and no external_secret: exit 2, nothing ran, the input to set named', async () => {
    const rotorHome = home();
    const run = await runCli(['run', 'generic', '--env', 'sandbox', '--yes', '--set', 'kubernetes=true'], {
      ROTOR_HOME: rotorHome,
    });
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain('needs the input "external_secret" when kubernetes is true');
    expect(run.stderr).toContain('→ pass --set external_secret=<value>');
    expect(recordTypes(rotorHome)).toEqual(['session-opened', 'session-refused']);
  });

  it('a runbook that does not declare required_when is caught by the parameter pre-check', async () => {
    const rotorHome = home();
    const file = join(rotorHome, 'generic-copy.yaml');
    const text = readFileSync(join(import.meta.dirname, '../runbooks/generic.yaml'), 'utf8');
    const copy = text.replace(/, required_when: kubernetes/, '');
    expect(copy).not.toBe(text);
    writeFileSync(file, copy);
    const run = await runCli(['run', file, '--env', 'sandbox', '--yes', '--set', 'kubernetes=true'], {
      ROTOR_HOME: rotorHome,
    });
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(
      /step sync \(kubernetes\.force-sync\): parameter "name": .*it comes from the input external_secret; nothing was changed/,
    );
    expect(run.stderr).toContain('→ pass --set external_secret=<value>');
    // No lock, no step, no Vault write: the session never started.
    expect(recordTypes(rotorHome)).toEqual(['session-opened', 'session-refused']);
    // A dry run says the same instead of a plan that could only fail halfway.
    const dry = await runCli(['run', file, '--env', 'sandbox', '--dry-run', '--set', 'kubernetes=true'], {
      ROTOR_HOME: rotorHome,
    });
    expect(dry.code, dry.stdout).toBe(2);
    expect(dry.stderr).toMatch(/step sync \(kubernetes\.force-sync\): parameter "name"/);
  });
});
