import { VaultPathError } from './path-error.js';
import { RESERVED_MOUNTS, splitSegments } from './segments.js';

/**
 * Vault's own rule for engine object names (framework.GenericNameRegex): database connections
 * and roles, transit keys, PKI roles. One segment, so `../../sys/seal` can never become a path.
 */
const ENGINE_NAME = /^[A-Za-z0-9_]([A-Za-z0-9_.@-]*[A-Za-z0-9_])?$/;

/** A mount path (`secret`, `database`, `kv/team`): validated segments, never one of Vault's own. */
export function parseMount(text: string, input = 'the mount'): string {
  const segments = splitSegments(text, input, 'the mount');
  if (RESERVED_MOUNTS.has(segments[0]))
    throw new VaultPathError(
      input,
      text,
      `is Vault's own "${segments[0]}/" path, not a secrets engine mount`,
      'give the mount of the secrets engine (vault secrets list)',
    );
  return text;
}

/** An engine object name (a database connection or role, a transit key, a PKI role). */
export function parseEngineName(text: string, input = 'the name'): string {
  if (typeof text !== 'string' || text.length > 128 || !ENGINE_NAME.test(text)) {
    if (typeof text === 'string') splitSegments(text, input, 'the name'); // the most specific refusal first
    throw new VaultPathError(
      input,
      String(text),
      text.includes('/') ? 'is a path, not a name' : 'is not a Vault object name',
      'give the bare name (letters, digits, _ . @ -, at most 128), as `vault list` shows it',
    );
  }
  return text;
}
