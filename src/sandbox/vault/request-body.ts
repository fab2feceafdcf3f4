import { VaultHttpError } from './envelope.js';

/**
 * Request bodies as Vault's HTTP layer reads them (http/logical.go, buildLogicalRequestNoAuth):
 * PUT/POST take JSON, or a form when the Content-Type says so and the body does not start like
 * JSON; PATCH must name `application/merge-patch+json`; a body that does not parse is
 * "error parsing JSON", whatever the parser's own complaint.
 */

const MERGE_PATCH = 'application/merge-patch+json';

/**
 * Go's `mime.ParseMediaType` for the cases clients send: the lower-cased type, or its error text.
 * An empty or slash-less header is an error, as in Go.
 */
export function parseMediaType(header: string): { type?: string; error?: string } {
  const type = header.split(';')[0].trim().toLowerCase();
  if (type === '') return { error: 'mime: no media type' };
  const slash = type.indexOf('/');
  if (slash < 0) return { error: 'mime: expected slash after first token' };
  if (slash === type.length - 1) return { error: 'mime: expected token after slash' };
  return { type };
}

/** PATCH's content-type rule: 400 when the header does not parse, 415 when it names another type. */
export function checkPatchContentType(header: string): void {
  const { type, error } = parseMediaType(header);
  if (error) throw new VaultHttpError(400, [error]);
  if (type !== MERGE_PATCH)
    throw new VaultHttpError(415, [`PATCH requires Content-Type of ${MERGE_PATCH}, provided ${type}`]);
}

/** Vault's isForm: a form only when declared so and the body's first non-blank byte is not `{` or `[`. */
function isForm(text: string, contentType: string): boolean {
  if (parseMediaType(contentType).type !== 'application/x-www-form-urlencoded') return false;
  const first = text.trimStart()[0];
  return first !== '{' && first !== '[';
}

/** A form body as url.ParseQuery reads it: repeated keys become a list. */
function parseForm(text: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    const seen = out[key];
    out[key] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return out;
}

/** The request's data: `{}` for an empty body, the JSON object, or the form's fields. */
export function parseBody(body: Buffer, contentType: string, allowForm: boolean): Record<string, unknown> {
  const text = body.toString('utf8');
  if (text.trim() === '') return {};
  if (allowForm && isForm(text, contentType)) return parseForm(text);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new VaultHttpError(400, ['error parsing JSON']);
  }
  if (parsed === null) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed))
    throw new VaultHttpError(400, ['error parsing JSON']);
  return parsed as Record<string, unknown>;
}
