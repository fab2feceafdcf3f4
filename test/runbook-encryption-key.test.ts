import { describe, expect, it } from 'vitest';
import type { SandboxHandles } from '../src/sandbox/world.js';
import { runInSandbox, succeeded } from './support/sandbox-run.js';

type Vault = SandboxHandles['vault'];

async function keyInfo(vault: Vault): Promise<{ latest_version: number; min_decryption_version: number }> {
  return (
    (await vault.call('GET', 'transit/keys/session-state')).body as {
      data: { latest_version: number; min_decryption_version: number };
    }
  ).data;
}

async function encrypt(vault: Vault, text: string): Promise<string> {
  return (
    (
      await vault.call('POST', 'transit/encrypt/session-state', {
        plaintext: Buffer.from(text).toString('base64'),
      })
    ).body as { data: { ciphertext: string } }
  ).data.ciphertext;
}

async function decrypt(vault: Vault, ciphertext: string): Promise<string | undefined> {
  const reply = await vault.call('POST', 'transit/decrypt/session-state', { ciphertext });
  return reply.status === 200
    ? Buffer.from((reply.body as { data: { plaintext: string } }).data.plaintext, 'base64').toString()
    : undefined;
}

describe('runbook encryption-key in the sandbox', () => {
  it('rotates the transit key, checks the version increased, and rewraps ciphertexts; old ciphertext still decrypts', async () => {
    const plaintext = 'session-state payload 4f1c';
    const inputs: Record<string, string> = {};
    const run = await runInSandbox('encryption-key', {
      inputs,
      // Data encrypted before the rotation, as the service stored it; the session reads inputs after this.
      prepare: async (w) => void (inputs.ciphertexts = await encrypt(w.sandbox.vault, plaintext)),
    });
    const old = inputs.ciphertexts;
    try {
      expect(run.failures).toEqual([]);
      expect(run.outcome).toEqual({ status: 'succeeded', exitCode: 0 });
      const { vault } = run.world.sandbox;
      expect(old).toMatch(/^vault:v1:/);
      expect(await keyInfo(vault)).toMatchObject({ latest_version: 2, min_decryption_version: 1 });
      expect(await decrypt(vault, old)).toBe(plaintext);
      const rewrapped = run.events.find(
        (e) => e.type === 'step-succeeded' && e.stepId === 'rewrap',
      ) as unknown as { outputs: { ciphertexts: string[] } } | undefined;
      expect(rewrapped?.outputs.ciphertexts).toHaveLength(1);
      expect(rewrapped!.outputs.ciphertexts[0]).toMatch(/^vault:v2:/);
      expect(await decrypt(vault, rewrapped!.outputs.ciphertexts[0])).toBe(plaintext);
      expect(succeeded(run.events)).toEqual(['before', 'rotate', 'check', 'rewrap']);
      expect(run.journal).not.toContain(plaintext);
      expect(run.journal).not.toContain(Buffer.from(plaintext).toString('base64'));
    } finally {
      await run.close();
    }
  });

  it('without ciphertexts, skips the rewrap', async () => {
    const run = await runInSandbox('encryption-key');
    try {
      expect(run.outcome).toEqual({ status: 'succeeded', exitCode: 0 });
      expect(succeeded(run.events)).toEqual(['before', 'rotate', 'check']);
      expect(await keyInfo(run.world.sandbox.vault)).toMatchObject({ latest_version: 2 });
    } finally {
      await run.close();
    }
  });

  it('a refused rotation fails with a clear error and changes nothing', async () => {
    const run = await runInSandbox('encryption-key', {
      prepare: (w) =>
        void w.sandbox.vault.injectFault({ path: 'transit/keys/session-state/rotate', status: 500 }),
    });
    try {
      // Nothing to undo, so nothing is called "rolled back": failed, exit 1, nothing changed.
      expect(run.outcome).toMatchObject({ status: 'failed', exitCode: 1 });
      expect(run.failures).toHaveLength(1);
      expect(run.failures[0]).toMatch(/^rotate: Vault answered 500 while rotating transit key session-state/);
      expect(await keyInfo(run.world.sandbox.vault)).toMatchObject({
        latest_version: 1,
        min_decryption_version: 1,
      });
      expect(succeeded(run.events)).toEqual(['before']);
    } finally {
      await run.close();
    }
  });

  it('a missing key fails before anything is rotated', async () => {
    const run = await runInSandbox('encryption-key', { inputs: { key: 'no-such-key' } });
    try {
      expect(run.outcome).toMatchObject({ status: 'failed', exitCode: 1 });
      expect(run.failures).toEqual([
        expect.stringMatching(/^before: transit\/keys\/no-such-key not found \(404\)/),
      ]);
      expect(await keyInfo(run.world.sandbox.vault)).toMatchObject({ latest_version: 1 });
    } finally {
      await run.close();
    }
  });
});
