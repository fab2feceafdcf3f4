import type { GivenInputs } from '../runbook/inputs.js';
import type { InputSource } from '../runbook/input-source.js';

/**
 * Where each input `givenInputs` returned came from: a `--set name=value` names it, anything else
 * it returned was read from ROTOR_INPUT_<NAME>. `base` names the source of values given before
 * both (the session being resumed, a policy), which `--set` and the environment override.
 */
export function givenSources(
  sets: readonly string[],
  given: GivenInputs,
  base: { values?: Readonly<Record<string, unknown>>; source?: InputSource } = {},
): Record<string, InputSource> {
  const named = new Set(sets.map((pair) => pair.slice(0, pair.indexOf('='))));
  const sources: Record<string, InputSource> = {};
  for (const name of Object.keys(base.values ?? {})) sources[name] = base.source ?? 'default';
  for (const name of Object.keys(given)) sources[name] = named.has(name) ? 'set' : 'environment';
  return sources;
}
