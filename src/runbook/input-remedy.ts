import type { RunbookInput } from './schema.js';

/** Where an input's value can come from, which decides the remedy rotor prints for it. */
export interface RemedyWhere {
  /** `--env sandbox` never reads `ROTOR_INPUT_*`: its secrets are typed or come from the sandbox. */
  sandbox?: boolean;
}

/** `admin_url` → `ADMIN_URL`, the suffix of the environment variable that carries a secret input. */
export function envName(input: string): string {
  return input.toUpperCase().replace(/-/g, '_');
}

/**
 * How an operator gives an input, as a remedy that works: `--set` only for non-secret inputs
 * (rotor refuses secrets on the command line), `ROTOR_INPUT_<NAME>` only outside the sandbox.
 */
export function inputRemedy(name: string, spec: Pick<RunbookInput, 'secret'>, where: RemedyWhere): string {
  if (!spec.secret)
    return `pass --set ${name}=<value>${where.sandbox ? '' : `, or give it in the inventory (environments.<env>.inputs.${name})`}`;
  if (where.sandbox) return `type it when asked in the TUI (run without --yes)`;
  return `set ROTOR_INPUT_${envName(name)} in the environment, type it when asked in the TUI, or give where it is in Vault in the inventory (${name}: { vault: <path>, field: <name> })`;
}
