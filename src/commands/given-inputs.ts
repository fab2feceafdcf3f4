import { UsageError } from '../errors.js';
import { Secret } from '../engine/secret.js';
import { envName, type GivenInputs } from '../runbook/inputs.js';
import type { Runbook } from '../runbook/schema.js';

/**
 * Inputs from `--set name=value` and, for secret inputs, from `ROTOR_INPUT_<NAME>`. A secret on
 * the command line would sit in shell history and in every process listing, so it is refused.
 */
export function givenInputs(
  runbook: Runbook,
  sets: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): GivenInputs {
  const given: GivenInputs = {};
  for (const pair of sets) {
    const eq = pair.indexOf('=');
    if (eq <= 0)
      throw new UsageError(
        `--set ${pair.includes('=') ? '…' : pair}: expected name=value`,
        'for example --set namespace=harmonyflow-production',
      );
    const name = pair.slice(0, eq);
    if (runbook.inputs[name]?.secret) {
      throw new UsageError(
        `input ${name} is secret and cannot be passed with --set: command lines end up in shell history and process listings`,
        `set ROTOR_INPUT_${envName(name)} in the environment instead, or type it in the TUI`,
      );
    }
    given[name] = pair.slice(eq + 1);
  }
  for (const [name, spec] of Object.entries(runbook.inputs)) {
    const value = env[`ROTOR_INPUT_${envName(name)}`];
    if (value === undefined || name in given) continue;
    given[name] = spec.secret ? new Secret(value, `inputs.${name}`) : value;
  }
  return given;
}

// Kept here for the commands that import it from here; the rules live in journalled-command.ts.
export { commandWithoutValues } from './journalled-command.js';
