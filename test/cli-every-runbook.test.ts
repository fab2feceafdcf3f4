import { describe, expect, it } from 'vitest';
import { runCli, tempHome } from './support/cli.js';

/** The ids issue 6 names as the interface: each runs headless in the sandbox from the built CLI. */
const IDS = [
  'jwt',
  'postgres',
  'postgres-dynamic',
  'redis',
  'rabbitmq',
  'api-key',
  'encryption-key',
  'certificate',
  'generic',
  'emergency',
  'vault-recovery',
  'verify',
];

describe('every runbook runs headless in the sandbox', () => {
  it.each(IDS)(
    'rotor run %s --env sandbox --yes --json',
    async (id) => {
      const { home, cleanup } = tempHome();
      try {
        const r = await runCli(
          ['run', id, '--env', 'sandbox', '--yes', '--json'],
          { ROTOR_HOME: home },
          120_000,
        );
        const last = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}') as {
          type?: string;
          outcome?: { status: string };
        };
        expect({ code: r.code, last: last.type, status: last.outcome?.status }, r.stderr).toEqual({
          code: 0,
          last: 'session-ended',
          status: 'succeeded',
        });
      } finally {
        cleanup();
      }
    },
    130_000,
  );
});
