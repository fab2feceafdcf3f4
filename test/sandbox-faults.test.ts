import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyFaults } from '../src/sandbox/faults.js';
import { startSandboxWorld, type SandboxHandles } from '../src/sandbox/world.js';
import type { World } from '../src/session/world.js';
import { UsageError } from '../src/errors.js';

let world: World & { sandbox: SandboxHandles };
beforeAll(async () => {
  world = await startSandboxWorld({ readinessDelayMs: 10 });
});
afterAll(async () => {
  await world?.close();
});

describe('sandbox faults', () => {
  it('switches a fault on, and <fault>@<seconds> heals it after that long', async () => {
    applyFaults(world.sandbox, ['vault-sealed@0.5']);
    expect(world.sandbox.vault.isSealed()).toBe(true);
    await new Promise((r) => setTimeout(r, 800));
    expect(world.sandbox.vault.isSealed()).toBe(false);
  });

  it('injects a Vault error under a path, and refuses malformed faults with the list of known ones', async () => {
    applyFaults(world.sandbox, ['vault-error:503:secret/data/harmonyflow/redis@0.3']);
    expect((await world.sandbox.vault.call('GET', 'secret/data/harmonyflow/redis')).status).toBe(503);
    await new Promise((r) => setTimeout(r, 500));
    expect((await world.sandbox.vault.call('GET', 'secret/data/harmonyflow/redis')).status).toBe(200);
    expect(() => applyFaults(world.sandbox, ['vault-error:abc:x'])).toThrow(UsageError);
    expect(() => applyFaults(world.sandbox, ['pod-crash:no-slash'])).toThrow(/namespace\/name/);
    expect(() => applyFaults(world.sandbox, ['flood'])).toThrow(
      expect.objectContaining({
        message: 'unknown fault "flood"',
        hint: expect.stringMatching(/^known faults: vault-sealed/),
      }),
    );
  });
});
