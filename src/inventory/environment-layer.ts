import type { Runbook } from '../runbook/schema.js';
import { sandboxLayer } from '../sandbox/sandbox-inputs.js';
import type { EnvironmentInfo } from '../session/types.js';
import { inventoryLayer, type SourcedInputs } from './layers.js';
import type { LoadedInventory } from './load.js';

/** What an environment gives a runbook: the sandbox's own values, or the inventory's. */
export function environmentLayer(
  environment: EnvironmentInfo,
  runbook: Runbook,
  inventory: LoadedInventory | undefined,
): SourcedInputs {
  if (environment.sandbox) return sandboxLayer(runbook);
  if (!inventory) return {};
  return inventoryLayer(inventory, environment.name, runbook.id, runbook.inputs);
}
