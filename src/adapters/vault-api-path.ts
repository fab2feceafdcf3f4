import type { KvLocation } from '../actions/vault-port.js';
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

/** Any other engine's path (`pki/issue/<role>`): checked segments under a secrets engine mount. */
export function checkedApiPath(apiPath: string): string {
  parseMount(apiPath, 'the Vault path');
  return apiPath;
}
