import type { KvLocation } from '../ports/vault-port.js';
import { parseEngineName, parseMount, splitSegments } from '../vault-path/index.js';

/**
 * Request paths, checked again right before they are sent. Parsing at the edge already refused
 * bad spellings; this is the last line if a caller forgot, because the HTTP client resolves `.`
 * and `..` (a KV path `../../sys/seal` would reach `sys/seal`) and every segment is sent encoded.
 */
const encode = (segments: readonly string[]) => segments.map(encodeURIComponent).join('/');

/** `<mount>/<data|metadata>/<path>` of a KV v2 location. */
export function kvApiPath(at: KvLocation, part: 'data' | 'metadata'): string {
  const mount = splitSegments(parseMount(at.mount, 'the KV mount'), 'the KV mount', 'the mount');
  return `${encode(mount)}/${part}/${encode(splitSegments(at.path, 'the secret path', 'the secret path'))}`;
}

/** `<mount>/<verb>/<name>` of an engine object (`database/rotate-root/harmonyflow`). */
export function engineApiPath(mount: string, verb: string, name: string, what: string): string {
  const m = splitSegments(parseMount(mount, 'the mount'), 'the mount', 'the mount');
  return `${encode(m)}/${verb}/${encodeURIComponent(parseEngineName(name, what))}`;
}

/**
 * Vault's own paths that rotor itself reads and writes (asking what a token may do, looking the
 * token up, `rotor doctor` reading policies): never built from a runbook's input.
 */
const ROTOR_SYSTEM_PATHS = [
  'sys/capabilities-self',
  'auth/token/lookup-self',
  'auth/token/renew-self',
  'sys/leases/renew',
  'sys/policies/acl',
  'sys/policies/acl/',
];

/**
 * Any other engine's path (`pki/issue/<role>`): checked segments under a secrets engine mount, or
 * one of rotor's own system paths above (whose segments are checked all the same).
 */
export function checkedApiPath(apiPath: string): string {
  // A list is a read with `?list=true` (node-vault sends no LIST verb here): the path is what is checked.
  const path = apiPath.endsWith('?list=true') ? apiPath.slice(0, -'?list=true'.length) : apiPath;
  splitSegments(path, 'the Vault path', 'the Vault path');
  const own = ROTOR_SYSTEM_PATHS.some((p) => (p.endsWith('/') ? path.startsWith(p) : path === p));
  if (!own) parseMount(path, 'the Vault path');
  return apiPath;
}
