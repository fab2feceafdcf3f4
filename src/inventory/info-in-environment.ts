import { isSecret } from '../engine/secret.js';
import { VaultRef, WorldValue } from '../runbook/input-values.js';
import type { RunbookInfo } from '../session/types.js';
import type { SourcedInputs } from './layers.js';

/**
 * A runbook as the inputs form shows it in one environment: an input the environment gives
 * (its inventory, the sandbox) is no longer required, text values stand as its default, and
 * values known only once connected (a Vault reference, the sandbox's addresses) leave the field
 * empty with a note of where the value will come from, as a default naming a variable does.
 */
export function infoInEnvironment(info: RunbookInfo, layer: SourcedInputs): RunbookInfo {
  return {
    ...info,
    inputs: info.inputs.map((input) => {
      const given = layer[input.name];
      if (!given) return input;
      const v = given.value;
      // Where the value will come from: the Vault field, the variable the world sets, or the file.
      const variable = v instanceof WorldValue ? /env\.([A-Z0-9_]+)/.exec(v.template)?.[1] : undefined;
      const from = v instanceof VaultRef ? String(v) : (variable ?? given.where ?? 'the environment');
      // The sandbox's built-in values are its runbooks' defaults to an operator; a file's are the inventory's.
      const defaultSource =
        given.where === 'the sandbox'
          ? 'default'
          : given.source.startsWith('inventory')
            ? 'inventory'
            : String(given.source);
      if (v instanceof VaultRef || v instanceof WorldValue || isSecret(v))
        return {
          ...input,
          default: undefined,
          defaultFrom: from,
          defaultSource,
          required: false,
          describe: `${input.describe ?? ''} (empty: from ${from})`.trim(),
        };
      return {
        ...input,
        default: v,
        defaultSource,
        required: false,
        describe: `${input.describe ?? ''} (from ${from})`.trim(),
      };
    }),
  };
}
