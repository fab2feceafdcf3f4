import type { ServerResponse } from 'node:http';
import { pruneUnknown } from './schema.js';
import { badRequest } from './status.js';
import type { ResourceType } from './resources.js';

/**
 * `fieldValidation`: Strict refuses undeclared fields with 400; Warn (the default) and Ignore drop
 * them, Warn saying so in a `Warning` header per field, as the API server's decoder does.
 */
export function validateFields(
  type: ResourceType,
  object: unknown,
  mode: string | null,
  res: ServerResponse,
  creating: boolean,
): void {
  const level = mode ?? 'Warn';
  if (!['Strict', 'Warn', 'Ignore'].includes(level))
    throw badRequest(`fieldValidation must be one of "Ignore", "Warn", or "Strict", got "${level}"`);
  if (!object || typeof object !== 'object' || Array.isArray(object)) return;
  const unknown = pruneUnknown(type.kind, object as Record<string, unknown>);
  if (unknown.length === 0) return;
  const said = unknown.map((f) => `unknown field "${f}"`);
  if (level === 'Strict') {
    const what = creating
      ? `${type.kind} in version "${type.version}" cannot be handled as a ${type.kind}: `
      : '';
    throw badRequest(`${what}strict decoding error: ${said.join(', ')}`);
  }
  if (level === 'Warn')
    res.setHeader(
      'Warning',
      said.map((s) => `299 - ${JSON.stringify(s)}`),
    );
  return;
}
