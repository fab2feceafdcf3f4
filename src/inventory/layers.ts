import { VaultRef, type GivenValue, type InputSource } from '../runbook/input-values.js';
import type { GivenInputs } from '../runbook/inputs.js';
import type { LoadedInventory } from './load.js';
import type { InputValue } from './schema.js';

/** An input's value with where it came from. */
export interface SourcedValue {
  value: GivenValue;
  source: InputSource;
  /** `file:line:col` for inventory values, `policy <path>` for a policy's. */
  where?: string;
}

export type SourcedInputs = Record<string, SourcedValue>;

/** An inventory's value as the session takes it: text, or a Vault reference that knows where it was written. */
export function givenValue(value: InputValue, origin: string): GivenValue {
  if (typeof value === 'object') return new VaultRef(value.vault, value.field, value.mount, origin);
  return String(value);
}

/**
 * The values an inventory gives one runbook in one environment: its shared inputs that the
 * runbook declares, overridden by the runbook's own section.
 */
export function inventoryLayer(
  loaded: LoadedInventory,
  environment: string,
  runbookId: string,
  declared: Readonly<Record<string, unknown>>,
): SourcedInputs {
  const env = loaded.inventory.environments[environment];
  if (!env) return {};
  const out: SourcedInputs = {};
  for (const [name, value] of Object.entries(env.inputs)) {
    if (!(name in declared)) continue;
    const where = loaded.where(['environments', environment, 'inputs', name]);
    out[name] = { value: givenValue(value, where), source: 'inventory-shared', where };
  }
  for (const [name, value] of Object.entries(env.runbooks[runbookId] ?? {})) {
    const where = loaded.where(['environments', environment, 'runbooks', runbookId, name]);
    out[name] = { value: givenValue(value, where), source: 'inventory-runbook', where };
  }
  return out;
}

/** Plain values as one source, for merging. */
export function sourced(values: GivenInputs, source: InputSource, where?: string): SourcedInputs {
  return Object.fromEntries(Object.entries(values).map(([n, value]) => [n, { value, source, where }]));
}

/** Layers merged, the first given winning (pass them highest precedence first). */
export function mergeLayers(...layers: SourcedInputs[]): SourcedInputs {
  const out: SourcedInputs = {};
  for (const layer of [...layers].reverse()) Object.assign(out, layer);
  return out;
}

/** The values alone, as a session takes them. */
export function valuesOf(inputs: SourcedInputs): GivenInputs {
  return Object.fromEntries(Object.entries(inputs).map(([n, s]) => [n, s.value]));
}

/** The sources alone, for screens that show where each value came from. */
export function sourcesOf(inputs: SourcedInputs): Record<string, InputSource> {
  return Object.fromEntries(Object.entries(inputs).map(([n, s]) => [n, s.source]));
}
