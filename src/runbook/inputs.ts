import { UsageError } from '../errors.js';
import { Secret, reveal } from '../engine/secret.js';
import type { Runbook } from './schema.js';
import { closest } from './closest.js';

/** Input values as given: plain text from `--set`, Secrets from masked entry or the environment. */
export type GivenInputs = Record<string, string | Secret>;

/**
 * Applies defaults and checks every input before anything runs: unknown names, missing required
 * values, patterns and choices. Secret inputs come back wrapped, whatever form they arrived in.
 */
export function resolveInputs(
  runbook: Runbook,
  given: GivenInputs,
  env: Readonly<Record<string, string | undefined>> = {},
  options: { preview?: boolean } = {},
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
    const supplied = given[name] !== undefined && reveal(given[name]) !== '' ? given[name] : undefined;
    const raw = supplied ?? defaultValue(name, spec.default, env, options.preview === true);
    const required = spec.required ?? spec.default === undefined;
    if (raw === undefined || reveal(raw) === '') {
      if (required) {
        const how = spec.secret
          ? `type it when asked in the TUI, or set ROTOR_INPUT_${envName(name)} in the environment`
          : `pass --set ${name}=<value>`;
        throw new UsageError(
          `runbook ${runbook.id} needs the input "${name}"${spec.describe ? ` (${spec.describe})` : ''}`,
          how,
        );
      }
      values[name] = raw ?? '';
      continue;
    }
    const text = reveal(raw);
    // A dry run shows ‹env.X› for values only known once connected; don't judge those yet.
    if (options.preview && text.includes('‹env.')) {
      values[name] = raw;
      continue;
    }
    if (spec.pattern !== undefined && !new RegExp(`^(?:${spec.pattern})$`).test(text)) {
      const shown = spec.secret ? 'the value given' : `"${text}"`;
      throw new UsageError(
        `input ${name}: ${shown} does not match the pattern ${spec.pattern}`,
        spec.describe ? `expected: ${spec.describe}` : undefined,
      );
    }
    if (spec.choices && !spec.choices.includes(text)) {
      throw new UsageError(
        `input ${name}: "${spec.secret ? '…' : text}" is not one of ${spec.choices.join(', ')}`,
      );
    }
    values[name] = spec.secret ? (raw instanceof Secret ? raw : new Secret(text, `inputs.${name}`)) : raw;
  }
  return values;
}

/**
 * A default may name an environment variable (`{{ env.ROTOR_SERVICE_URL }}`), so that the sandbox
 * or a profile can supply addresses known only at run time.
 */
function defaultValue(
  name: string,
  value: string | number | boolean | undefined,
  env: Readonly<Record<string, string | undefined>>,
  preview: boolean,
): string | number | boolean | undefined {
  if (typeof value !== 'string' || !value.includes('{{')) return value;
  return value.replace(/\{\{\s*env\.([A-Za-z0-9_]+)\s*\}\}/g, (_m, variable: string) => {
    const found = env[variable];
    if (found !== undefined) return found;
    if (preview) return `‹env.${variable}›`;
    throw new UsageError(
      `input ${name} defaults to the environment variable ${variable}, which is not set`,
      `pass --set ${name}=<value>, or export ${variable}`,
    );
  });
}

/** `admin_url` → `ADMIN_URL`, the suffix of the environment variable that carries a secret input. */
export function envName(input: string): string {
  return input.toUpperCase().replace(/-/g, '_');
}
