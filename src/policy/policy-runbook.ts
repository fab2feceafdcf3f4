import { UsageError } from '../errors.js';
import { envName, type RemedyWhere } from '../runbook/input-remedy.js';
import type { Policy } from './policy.js';
import { VaultRef } from '../runbook/input-values.js';
import type { GivenInputs } from '../runbook/inputs.js';
import { CUSTOM_SCRIPT_RUNBOOK, runbookFor } from './runbook-choice.js';

/** The inputs a runbook declares, as far as a policy is concerned. */
export type DeclaredInputs = Readonly<
  Record<string, { secret: boolean; pattern?: string; choices?: readonly string[] }>
>;

/** Why the runbook was chosen, for messages: the field an operator would change. */
function chosenBy(policy: Pick<Policy, 'runbook' | 'rotation_script_path' | 'secret_type'>): string {
  if (policy.runbook) return 'runbook';
  if (policy.rotation_script_path) return 'rotation_script_path';
  return 'secret_type';
}

/**
 * Checks, when a policy is added, that its runbook can rotate it: the runbook takes the secret
 * path (or its runs could not be recorded against the secret), the script path when the
 * policy has a script, and every input the policy sets, none of them secret (a policy is
 * stored in Vault for everyone to read; secret inputs come from ROTOR_INPUT_<NAME> at run time).
 */
export function checkRunbookFits(policy: Policy, declared: DeclaredInputs, where: RemedyWhere = {}): void {
  const runbook = runbookFor(policy);
  const field = chosenBy(policy);
  if (!('secret_path' in declared)) {
    throw new UsageError(
      `policy: ${field}: runbook ${runbook} has no secret_path input, so its runs cannot be recorded as rotations of ${policy.secret_path}`,
      'name a runbook that takes secret_path (rotor runbooks lists them)',
    );
  }
  if (policy.rotation_script_path && !('script_path' in declared)) {
    throw new UsageError(
      `policy: rotation_script_path: runbook ${runbook} takes no script_path input`,
      `leave out --runbook to use the ${CUSTOM_SCRIPT_RUNBOOK} runbook, which runs the script`,
    );
  }
  for (const name of Object.keys(policy.inputs)) {
    if (name === 'secret_path' || name === 'script_path')
      throw new UsageError(
        `policy: inputs.${name}: set by the policy itself`,
        name === 'secret_path'
          ? "the secret path is the policy's own secret_path"
          : 'use --rotation-script-path',
      );
    if (!(name in declared))
      throw new UsageError(
        `policy: inputs.${name}: runbook ${runbook} has no input "${name}"`,
        `its inputs: ${Object.keys(declared).join(', ') || 'none'}`,
      );
    const value = policy.inputs[name];
    if (typeof value !== 'string') continue; // a Vault reference: read, and judged, at run time
    if (declared[name].secret)
      throw new UsageError(
        `policy: inputs.${name}: a secret input cannot be kept in a policy (only where it is in Vault: { vault: <path>, field: <name> })`,
        // The sandbox never reads ROTOR_INPUT_*: its secret inputs come from its own defaults.
        where.sandbox
          ? `leave it out of the policy: in the sandbox, rotor run --due --env sandbox takes the runbook's default`
          : `set ROTOR_INPUT_${envName(name)} where rotor run --due runs`,
      );
    const { pattern, choices } = declared[name];
    if (pattern !== undefined && !new RegExp(`^(?:${pattern})$`).test(value))
      throw new UsageError(
        `policy: inputs.${name}: "${value}" does not match the runbook's pattern ${pattern}`,
      );
    if (choices && !choices.includes(value))
      throw new UsageError(`policy: inputs.${name}: "${value}" is not one of ${choices.join(', ')}`);
  }
}

/** The inputs a policy's rotation runs with: its own (references to Vault read at run time), plus the secret path and the script. */
export function rotationInputs(policy: Policy, declared: DeclaredInputs): GivenInputs {
  const inputs: GivenInputs = {};
  for (const [name, value] of Object.entries(policy.inputs))
    inputs[name] =
      typeof value === 'string'
        ? value
        : new VaultRef(value.vault, value.field, value.mount, `policy ${policy.secret_path}`);
  inputs.secret_path = policy.secret_path;
  if (policy.rotation_script_path && 'script_path' in declared)
    inputs.script_path = policy.rotation_script_path;
  return inputs;
}
