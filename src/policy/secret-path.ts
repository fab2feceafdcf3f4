import { parseKvPath } from '../vault-path/index.js';

/**
 * The KV path inside the `secret` mount that policies, history and status key on. There is one
 * spelling: `secret/x`, `secret/data/x`, `x/` and `../x` are refused with the spelling to use
 * (a VaultPathError, exit 2), so two spellings can never be two policies or escape the store.
 */
export function canonicalSecretPath(path: string, input = 'the secret path'): string {
  return parseKvPath(path, { input }).path;
}

/** Whether the text is already the one spelling canonicalSecretPath accepts. */
export function isCanonical(path: string): boolean {
  try {
    return canonicalSecretPath(path) === path;
  } catch {
    return false;
  }
}
