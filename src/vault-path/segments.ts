import { VaultPathError } from './path-error.js';

/**
 * What one segment of a Vault path may hold. An allowlist rather than a list of dangers: `.`, `..`
 * and empty segments are resolved by HTTP clients (`secret/data/a/../../sys/seal` reaches
 * `sys/seal`), `%` lets an encoded dot or slash through a later decode, `?` and `#` end the path,
 * and control characters, spaces and look-alike Unicode dots and slashes make two spellings that
 * read the same to an operator name different secrets.
 */
const SEGMENT = /^[A-Za-z0-9_@:+=,-][A-Za-z0-9._@:+=,-]*$/;

/** Longest text accepted; the lock and history entries put a prefix before it. */
export const MAX_PATH_LENGTH = 512;

/** Mounts Vault reserves for itself: no secrets engine can live there. */
export const RESERVED_MOUNTS = new Set(['sys', 'auth', 'identity', 'cubbyhole']);

/** The segments of a path, or a refusal naming what is wrong with it. */
export function splitSegments(text: string, input: string, what: string): string[] {
  const refuse = (problem: string, hint: string): never => {
    throw new VaultPathError(input, text, problem, hint);
  };
  const fix = `write ${what} as segments of letters, digits and . _ - @ : + = , joined by single slashes`;
  if (typeof text !== 'string' || text === '') refuse('is empty', `give ${what}`);
  if (text.length > MAX_PATH_LENGTH)
    refuse(`is longer than ${MAX_PATH_LENGTH} characters`, `give ${what} of at most ${MAX_PATH_LENGTH}`);
  if (text !== text.trim()) refuse('starts or ends with whitespace', `remove the spaces around ${what}`);
  if (/[\u0000-\u001f\u007f-\u009f]/.test(text))
    refuse('holds a control character', `type ${what} again without control characters`);
  if (text.startsWith('/')) refuse('starts with "/"', `drop the leading "/": ${what} is relative`);
  if (text.endsWith('/'))
    refuse('ends with "/"', `drop the trailing "/": ${what} names one entry, not a folder`);
  if (/%/.test(text)) refuse('holds a percent-encoding', `write ${what} decoded, as Vault shows it`);
  if (/\\/.test(text)) refuse('holds a backslash', `separate segments with "/"`);
  const segments = text.split('/');
  for (const segment of segments) {
    if (segment === '') refuse('has an empty segment ("//")', `use single slashes between segments`);
    if (/^\.+$/.test(segment))
      refuse(
        `has a "${segment}" segment`,
        `name ${what} directly: "." and ".." are not allowed in Vault paths`,
      );
    if (!SEGMENT.test(segment)) refuse(`has a character Vault paths here may not hold in "${segment}"`, fix);
  }
  return segments;
}
