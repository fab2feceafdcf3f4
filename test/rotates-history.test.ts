// One list of what a session rotates: the emergency runbook rotates every path of its
// secret_paths list, so each gets a history record, and `rotor status` / `rotor due` learn of it
// (before, history read only a secret_path input, which emergency does not have).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, tempHome } from './support/cli.js';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));
const PATHS = ['harmonyflow/admin', 'harmonyflow/iot-api-key'];

describe('emergency over the sandbox', () => {
  it('writes one history record per rotated secret, and status and due count from it', async () => {
    const { home, cleanup } = tempHome();
    cleanups.push(cleanup);
    const env = { ROTOR_HOME: home };
    const rotor = (args: string[]) => runCli([...args, '--env', 'sandbox'], env, 120_000);
    for (const path of PATHS) {
      const file = join(home, `${path.replace(/\W/g, '-')}.json`);
      // A 1-day period: without a recorded rotation the seeded (older) version makes it due.
      writeFileSync(
        file,
        JSON.stringify({ secret_path: path, rotation_type: 'scheduled', rotation_period_days: 1 }),
      );
      const added = await rotor(['policy', 'add', '--file', file]);
      expect([added.code, added.stderr]).toEqual([0, '']);
    }
    const before = Date.now();
    const run = await rotor([
      'run',
      'emergency',
      '--yes',
      '--json',
      '--set',
      'kubernetes=false',
      '--set',
      `secret_paths=${[...PATHS].reverse().join(',')}`,
    ]);
    expect([run.code, run.stderr]).toEqual([0, '']);
    const started = JSON.parse(run.stdout.split('\n')[0]) as { type: string; plan: { rotates: string[] } };
    expect(started.type).toBe('session-started');
    expect(started.plan.rotates).toEqual(PATHS);

    const history = await rotor(['history', '--json']);
    const entries = JSON.parse(history.stdout) as Array<{
      secret_path: string;
      runbook: string;
      status: string;
    }>;
    expect(entries.map((e) => [e.secret_path, e.runbook, e.status]).sort()).toEqual(
      PATHS.map((p) => [p, 'emergency', 'success']),
    );

    for (const path of PATHS) {
      const status = JSON.parse((await rotor(['status', path, '--json'])).stdout) as {
        last_rotated?: string;
        due: boolean;
      };
      expect(status.due, JSON.stringify(status)).toBe(false);
      expect(Date.parse(status.last_rotated ?? '')).toBeGreaterThanOrEqual(before - 1000);
    }
    const due = JSON.parse((await rotor(['due', '--json'])).stdout) as Array<{ secret_path: string }>;
    expect(due.filter((l) => PATHS.includes(l.secret_path))).toEqual([]);
  }, 180_000);
});
