import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createVaultPort, vaultConfigFromEnv } from '../../src/adapters/vault.js';
import type { VaultPort } from '../../src/ports/vault-port.js';
import {
  startVaultEmulator,
  type VaultEmulator,
  type VaultEmulatorOptions,
} from '../../src/sandbox/vault/index.js';
import { testContext } from './action-context.js';

/** An emulator, and real node-vault ports onto it built the way the CLI builds them. */
export interface VaultWorld {
  vault: VaultEmulator;
  /** A port with the root token. */
  port: VaultPort;
  /** A port for another token (its policies decide what it may do). */
  portFor(token: string): Promise<VaultPort>;
  /** An action context whose Vault port is `port` (or the one given). */
  ctx(options?: { port?: VaultPort; answers?: string[] }): ReturnType<typeof testContext>;
  close(): Promise<void>;
}

export async function startVaultWorld(options: VaultEmulatorOptions = {}): Promise<VaultWorld> {
  const vault = await startVaultEmulator(options);
  const home = mkdtempSync(join(tmpdir(), 'rotor-vault-home-'));
  const ports: VaultPort[] = [];
  const portFor = async (token: string) => {
    const port = await createVaultPort(
      vaultConfigFromEnv({ VAULT_ADDR: vault.url, VAULT_TOKEN: token }, home),
    );
    ports.push(port);
    return port;
  };
  const port = await portFor(vault.rootToken);
  return {
    vault,
    port,
    portFor,
    ctx: (o = {}) => testContext({ vault: o.port ?? port }, { answers: o.answers }),
    async close() {
      for (const p of ports) p.close();
      await vault.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Every string a value would show when serialised: used to prove no plaintext escaped. */
export function serialised(value: unknown): string {
  return JSON.stringify(value);
}
