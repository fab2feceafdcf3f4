import { processEnvironment } from '../environment.js';

/**
 * Variables a program rotor starts (a rotation script, rabbitmqctl) may inherit: enough to find
 * its tools, nothing of rotor's own. VAULT_TOKEN, ROTOR_INPUT_* and the like stay in rotor.
 */
export const INHERITED_VARIABLES: readonly string[] = [
  'PATH',
  'HOME',
  'LANG',
  'LC_ALL',
  'TZ',
  'TMPDIR',
  'VAULT_ADDR',
  'VAULT_NAMESPACE',
  'VAULT_CACERT',
  'KUBECONFIG',
];

/** The environment for a child: the allowed variables of `from`, then `extra` (which wins). */
export function childEnvironment(
  extra: Readonly<Record<string, string>> = {},
  from: Readonly<Record<string, string | undefined>> = processEnvironment(),
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of INHERITED_VARIABLES) if (from[name] !== undefined) env[name] = from[name]!;
  return { ...env, ...extra };
}
