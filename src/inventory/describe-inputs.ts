import { isSecret } from '../engine/secret.js';
import { VaultRef, WorldValue, type InputSource } from '../runbook/input-values.js';
import type { Runbook } from '../runbook/schema.js';
import { mergeLayers, type SourcedInputs } from './layers.js';

/** One input as `rotor env show` prints it: never a secret's value, only where it comes from. */
export interface ShownInput {
  name: string;
  /** The value as text; a Vault reference as `vault:<mount>/<path>#<field>`; a secret masked. */
  value: string | null;
  source: InputSource | 'missing';
  where?: string;
  secret: boolean;
}

/** Resolves a runbook's inputs over the given layers (highest first), then its defaults, for display. */
export function describeInputs(runbook: Runbook, ...layers: SourcedInputs[]): ShownInput[] {
  const merged = mergeLayers(...layers);
  return Object.entries(runbook.inputs).map(([name, spec]) => {
    const given = merged[name];
    const secret = spec.secret === true || given?.value instanceof VaultRef;
    if (given) {
      const v = given.value;
      const value =
        v instanceof VaultRef || v instanceof WorldValue ? String(v) : isSecret(v) ? '••••••' : String(v);
      return { name, value, source: given.source, where: given.where, secret };
    }
    if (spec.default !== undefined) return { name, value: String(spec.default), source: 'default', secret };
    return { name, value: null, source: 'missing', secret };
  });
}
