import { parseMount } from './names.js';
import { VaultPathError } from './path-error.js';
import { splitSegments } from './segments.js';

/**
 * A KV v2 secret's place, validated once where the text comes in (a runbook input, a policy, a
 * command argument) and used as is by the adapter, locks, history, policies and messages, so two
 * spellings can never name one secret twice or reach outside it.
 */
export interface KvPath {
  readonly mount: string;
  /** Inside the mount: `harmonyflow/redis`. The key locks, history and policies use. */
  readonly path: string;
  /** Only parseKvPath makes one, so a KvPath in a signature means "already checked". */
  readonly [checked]: true;
}

declare const checked: unique symbol;

export const DEFAULT_KV_MOUNT = 'secret';

const API_PARTS = new Set(['data', 'metadata']);

/**
 * Parses a KV path relative to its mount. Refused (never guessed): `.`/`..`/empty segments,
 * encodings, control characters, spaces, a leading or trailing `/`; the API's spellings
 * (`secret/data/x`, `secret/metadata/x`) with the path to write instead; and a first segment equal
 * to the mount (`secret/x`), which may be the mount or a key, with both readings named.
 */
export function parseKvPath(text: string, options: { mount?: string; input?: string } = {}): KvPath {
  const input = options.input ?? 'the secret path';
  const mount = parseMount(options.mount ?? DEFAULT_KV_MOUNT, options.mount ? 'the KV mount' : input);
  const segments = splitSegments(text, input, 'the secret path');
  const mountSegments = mount.split('/');
  const startsWithMount =
    segments.length > mountSegments.length && mountSegments.every((s, i) => segments[i] === s);
  if (startsWithMount) {
    const rest = segments.slice(mountSegments.length);
    if (API_PARTS.has(rest[0]) && rest.length > 1)
      throw new VaultPathError(
        input,
        text,
        `is the API's spelling (${mount}/${rest[0]}/…), not a KV path`,
        `give the path inside the mount "${mount}": ${rest.slice(1).join('/')}`,
      );
    throw new VaultPathError(
      input,
      text,
      `is ambiguous: it may mean ${rest.join('/')} in the mount "${mount}", or a key named ${text} inside that mount`,
      `for the first, write ${rest.join('/')}; rotor does not rotate keys whose first segment is their mount's name`,
    );
  }
  return Object.freeze({ mount, path: text }) as KvPath;
}

/** As messages show it: `secret/harmonyflow/redis`. */
export function showKvPath(at: { mount: string; path: string }): string {
  return `${at.mount}/${at.path}`;
}
