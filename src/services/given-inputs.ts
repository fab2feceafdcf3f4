import { UsageError } from '../errors.js';
import { Secret } from '../engine/secret.js';
import { envName, type GivenInputs } from '../runbook/inputs.js';
import { inputRemedy } from '../runbook/input-remedy.js';
import type { Runbook } from '../runbook/schema.js';

/**
 * Inputs from `--set name=value` and, for secret inputs only, from `ROTOR_INPUT_<NAME>`. A secret on
 * the command line would sit in shell history and in every process listing, so it is refused.
 * The sandbox never reads `ROTOR_INPUT_*`: a credential exported for a real server would turn a
 * drill into a change of that server. `warn` says which were passed over.
 */
export function givenInputs(
  runbook: Runbook,
  sets: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  where: { sandbox: boolean; warn?: (message: string) => void },
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
        inputRemedy(name, { secret: true }, where),
      );
    }
    given[name] = pair.slice(eq + 1);
  }
  for (const [name, spec] of Object.entries(runbook.inputs)) {
    const value = env[`ROTOR_INPUT_${envName(name)}`];
    if (value === undefined || name in given) continue;
    if (where.sandbox) {
      where.warn?.(
        `ROTOR_INPUT_${envName(name)} is not read in the sandbox: its stand-ins are used (unset it, or pick another --env)`,
      );
      continue;
    }
    // Non-secret values belong on the command line or in the inventory, where they are seen.
    if (!spec.secret) {
      where.warn?.(
        `ROTOR_INPUT_${envName(name)} is not read: ${name} is not secret (pass --set ${name}=…, or give it in the inventory)`,
      );
      continue;
    }
    given[name] = new Secret(value, `inputs.${name}`);
  }
  return given;
}
