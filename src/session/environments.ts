import { UsageError } from '../errors.js';
import { closest } from '../runbook/closest.js';
import type { Profile } from '../adapters/settings.js';
import type { EnvironmentInfo } from './types.js';

export const SANDBOX: EnvironmentInfo = {
  name: 'sandbox',
  protected: false,
  sandbox: true,
  description: 'built-in Vault and Kubernetes emulators and stand-ins, in this process: safe to rehearse',
};

export const LOCAL: EnvironmentInfo = {
  name: 'local',
  protected: false,
  sandbox: false,
  description: 'Vault and Kubernetes from this shell: VAULT_ADDR, VAULT_TOKEN, KUBECONFIG',
};

/** Every environment an operator can pick: the built-in ones, then configured profiles. */
export function listEnvironments(profiles: readonly Profile[]): EnvironmentInfo[] {
  return [
    SANDBOX,
    LOCAL,
    ...profiles.map((p) => ({
      name: p.name,
      protected: p.protected,
      sandbox: false,
      description: p.description,
    })),
  ];
}

export function findEnvironment(
  name: string,
  profiles: readonly Profile[],
  inventoryFile?: string,
): EnvironmentInfo {
  const all = listEnvironments(profiles);
  const found = all.find((e) => e.name === name);
  if (found) return found;
  const guess = closest(
    name,
    all.map((e) => e.name),
  );
  throw new UsageError(
    `no environment "${name}"${inventoryFile ? ` in the inventory ${inventoryFile} or the saved profiles` : ''}`,
    guess
      ? `did you mean "${guess}"? \`rotor env list\` shows them`
      : '`rotor env list` shows them; `rotor env add` creates one',
  );
}
