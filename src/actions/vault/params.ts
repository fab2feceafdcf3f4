import { z } from 'zod';
import { parseEngineName, parseKvPath, parseMount, VaultPathError } from '../../vault-path/index.js';

/** Which rule a Vault parameter follows; the plan's pre-flight check reads it from the zod issue. */
export type VaultParamKind = 'kv-path' | 'mount' | 'name';

/** The checks, by kind; `label` names where the text came from in the message. */
export const vaultParamChecks: Record<VaultParamKind, (text: string, label: string) => void> = {
  // A parameter does not know its step's mount: `secret/` is refused against the default one, and
  // locate() checks the path against the step's own mount when the step runs.
  'kv-path': (text, label) => void parseKvPath(text, { input: label }),
  mount: (text, label) => void parseMount(text, label),
  name: (text, label) => void parseEngineName(text, label),
};

/** Marks the issue so buildPlan can refuse the spelling before anything runs. */
function vaultParam(kind: VaultParamKind) {
  return z.string().superRefine((text, ctx) => {
    try {
      vaultParamChecks[kind](text, kind === 'kv-path' ? 'the secret path' : `the ${kind}`);
    } catch (error) {
      if (!(error instanceof VaultPathError)) throw error;
      ctx.addIssue({ code: 'custom', message: error.message, params: { vaultParam: kind } });
    }
  });
}

/** A KV v2 path inside its mount (`harmonyflow/redis`). */
export const kvPathParam = vaultParam('kv-path');
/** A secrets engine mount (`secret`, `transit`, `database`, `pki`). */
export const mountParam = vaultParam('mount');
/** An engine object name: a database connection or role, a transit key, a PKI role. */
export const engineNameParam = vaultParam('name');

/** The kind a zod issue marks, when it came from one of these parameters. */
export function vaultParamKind(issue: { code: string; params?: unknown }): VaultParamKind | undefined {
  if (issue.code !== 'custom') return undefined;
  return (issue.params as { vaultParam?: VaultParamKind } | undefined)?.vaultParam;
}
