import type { Runbook } from './schema.js';

/** Inputs rotor read the list from before runbooks declared `rotates`: kept for such runbooks. */
const LEGACY_INPUTS: Record<string, string> = {
  secret_path: '{{ inputs.secret_path }}',
  secrets: '{{ inputs.secrets }}',
  secret_paths: '{{ inputs.secret_paths }}',
};

/** A runbook's `rotates`, or for one that declares none, its secret_path/secrets/secret_paths inputs. */
export function rotatesTemplates(runbook: Pick<Runbook, 'rotates' | 'inputs'>): string[] {
  if (runbook.rotates) return runbook.rotates;
  return Object.keys(LEGACY_INPUTS)
    .filter((name) => Object.hasOwn(runbook.inputs, name))
    .map((name) => LEGACY_INPUTS[name]);
}
