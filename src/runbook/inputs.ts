import { UsageError } from '../errors.js';
import { Secret, reveal } from '../engine/secret.js';
import type { Runbook, RunbookInput } from './schema.js';
import { closest } from './closest.js';
import { envName, inputRemedy, type RemedyWhere } from './input-remedy.js';
import { describeRequiredWhen, parseRequiredWhen, requiredWhenHolds } from './required-when.js';
import { VaultRef, WorldValue, type GivenValue } from './input-values.js';

export { envName };

/**
 * Input values as given: plain text from `--set`, Secrets from masked entry or the environment,
 * Vault references and world values from an inventory (read once the session connects).
 */
export type GivenInputs = Record<string, GivenValue>;

/**
 * Applies defaults and checks every input before anything runs: unknown names, missing required
 * values, patterns and choices. Secret inputs come back wrapped, whatever form they arrived in.
 */
export function resolveInputs(
  runbook: Runbook,
  given: GivenInputs,
  env: Readonly<Record<string, string | undefined>> = {},
  options: { preview?: boolean } & RemedyWhere = {},
): Record<string, unknown> {
  for (const name of Object.keys(given)) {
    if (!(name in runbook.inputs)) {
      const guess = closest(name, Object.keys(runbook.inputs));
      throw new UsageError(
        `runbook ${runbook.id} has no input "${name}"`,
        guess
          ? `did you mean "${guess}"?`
          : `its inputs: ${Object.keys(runbook.inputs).join(', ') || 'none'}`,
      );
    }
  }
  const values: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(runbook.inputs)) {
    // An empty answer (Enter on an empty field) means "use the default", as in any form.
    const value = given[name];
    if (value instanceof VaultRef) {
      // Read when the session connects (src/session/vault-inputs.ts); a preview cannot know it.
      if (!options.preview)
        throw new UsageError(`input ${name}: ${value} was not read from Vault before the run`);
      values[name] = `‹${value}›`;
      continue;
    }
    const known = value instanceof WorldValue ? fromEnv(name, value.template, spec, env, options) : value;
    const supplied = known !== undefined && reveal(known) !== '' ? known : undefined;
    const raw = supplied ?? defaultValue(name, spec, env, options);
    const required = spec.required ?? spec.default === undefined;
    if (raw === undefined || reveal(raw) === '') {
      if (required) {
        throw new UsageError(
          `runbook ${runbook.id} needs the input "${name}"${spec.describe ? ` (${spec.describe})` : ''}`,
          inputRemedy(name, spec, options),
        );
      }
      values[name] = raw ?? '';
      continue;
    }
    const text = reveal(raw);
    // A dry run shows ‹env.X› for values only known once connected; don't judge those yet.
    if (options.preview && text.includes('‹')) {
      values[name] = raw;
      continue;
    }
    // A value read from Vault is secret whatever the input says: never quoted in a message.
    const secret = spec.secret || raw instanceof Secret;
    if (spec.pattern !== undefined && !new RegExp(`^(?:${spec.pattern})$`).test(text)) {
      const shown = secret ? 'the value given' : `"${text}"`;
      throw new UsageError(
        `input ${name}: ${shown} does not match the pattern ${spec.pattern}`,
        spec.describe ? `expected: ${spec.describe}` : undefined,
      );
    }
    if (spec.choices && !spec.choices.includes(text)) {
      throw new UsageError(
        `input ${name}: "${secret ? '…' : text}" is not one of ${spec.choices.join(', ')}`,
      );
    }
    values[name] = spec.secret ? (raw instanceof Secret ? raw : new Secret(text, `inputs.${name}`)) : raw;
  }
  checkRequiredWhen(runbook, values, options);
  return values;
}

/** Inputs that become required under a condition on another (`external_secret` once `kubernetes`). */
function checkRequiredWhen(
  runbook: Runbook,
  values: Record<string, unknown>,
  options: { preview?: boolean } & RemedyWhere,
): void {
  for (const [name, spec] of Object.entries(runbook.inputs)) {
    const condition = spec.required_when === undefined ? undefined : parseRequiredWhen(spec.required_when);
    if (!condition || reveal(values[name]) !== '' || !requiredWhenHolds(condition, values)) continue;
    // A dry run may not know the deciding value yet (‹env.X›): judge it at the real run.
    if (options.preview && reveal(values[condition.input]).includes('‹')) continue;
    throw new UsageError(
      `runbook ${runbook.id} needs the input "${name}" when ${describeRequiredWhen(condition)}${spec.describe ? ` (${spec.describe})` : ''}`,
      inputRemedy(name, spec, options),
    );
  }
}

/**
 * A default may name an environment variable (`{{ env.ROTOR_SERVICE_URL }}`), so that the sandbox
 * or a profile can supply addresses known only at run time.
 */
function defaultValue(
  name: string,
  spec: RunbookInput,
  env: Readonly<Record<string, string | undefined>>,
  options: { preview?: boolean } & RemedyWhere,
): string | number | boolean | undefined {
  const value = spec.default;
  if (typeof value !== 'string' || !value.includes('{{')) return value;
  return fromEnv(name, value, spec, env, options);
}

/** `{{ env.NAME }}` in a default or a world value, from the session's variables. */
function fromEnv(
  name: string,
  value: string,
  spec: RunbookInput,
  env: Readonly<Record<string, string | undefined>>,
  options: { preview?: boolean } & RemedyWhere,
): string {
  return value.replace(/\{\{\s*env\.([A-Za-z0-9_]+)\s*\}\}/g, (_m, variable: string) => {
    const found = env[variable];
    if (found !== undefined) return found;
    if (options.preview) return `‹env.${variable}›`;
    throw new UsageError(
      `input ${name} defaults to the environment variable ${variable}, which is not set`,
      `${inputRemedy(name, spec, options)}; or export ${variable}`,
    );
  });
}
