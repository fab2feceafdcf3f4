import type { ResourceType } from './resources.js';
import { qualifiedResource } from './resources.js';

/** A `metav1.Status` failure as the API server writes it. */
export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure';
  message: string;
  reason: string;
  details?: { name?: string; group?: string; kind?: string; causes?: FieldCause[] };
  code: number;
}

/** One invalid field of a 422 answer. */
export interface FieldCause {
  reason:
    | 'FieldValueInvalid'
    | 'FieldValueRequired'
    | 'FieldValueNotSupported'
    | 'FieldValueForbidden'
    | 'FieldValueTooLong'
    | 'FieldValueDuplicate';
  message: string;
  field: string;
}

/** Thrown inside handlers; the server turns it into the Status answer. */
export class ApiError extends Error {
  constructor(readonly status: StatusBody) {
    super(status.message);
  }
}

function status(code: number, reason: string, message: string, details?: StatusBody['details']): ApiError {
  return new ApiError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  });
}

function details(type: ResourceType, name?: string): StatusBody['details'] {
  return {
    ...(name !== undefined ? { name } : {}),
    ...(type.group ? { group: type.group } : {}),
    kind: type.resource,
  };
}

export const notFound = (type: ResourceType, name: string) =>
  status(404, 'NotFound', `${qualifiedResource(type)} "${name}" not found`, details(type, name));

export const alreadyExists = (type: ResourceType, name: string) =>
  status(409, 'AlreadyExists', `${qualifiedResource(type)} "${name}" already exists`, details(type, name));

export const conflict = (type: ResourceType, name: string) =>
  status(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(type)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    details(type, name),
  );

/** A 409 Conflict whose cause is a storage precondition, as errors.NewConflict words it. */
export const conflictBecause = (type: ResourceType, name: string, cause: string) =>
  status(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(type)} "${name}": ${cause}`,
    details(type, name),
  );

export const badRequest = (message: string) => status(400, 'BadRequest', message);

export const unauthorized = () => status(401, 'Unauthorized', 'Unauthorized');

export function forbidden(
  type: ResourceType,
  verb: string,
  user: string,
  namespace: string | undefined,
  name: string | undefined,
  rbacResource: string,
): ApiError {
  const subject = name ? `${qualifiedResource(type)} "${name}"` : qualifiedResource(type);
  const scope = namespace ? `in the namespace "${namespace}"` : 'at the cluster scope';
  return status(
    403,
    'Forbidden',
    `${subject} is forbidden: User "${user}" cannot ${verb} resource "${rbacResource}" in API group "${type.group}" ${scope}`,
    details(type, name),
  );
}

export const methodNotAllowed = () =>
  status(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');

export function unsupportedMediaType(accepted: string[]): ApiError {
  return status(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
  );
}

export const gone = (requested: string, oldest: string) =>
  status(410, 'Expired', `too old resource version: ${requested} (${oldest})`);

export const noSuchResource = () =>
  status(404, 'NotFound', 'the server could not find the requested resource');

/** 422 with every invalid field, worded as the API server words it. */
export function invalid(type: ResourceType, name: string, causes: FieldCause[]): ApiError {
  const lines = causes.map((c) => `${c.field}: ${c.message}`);
  const joined = lines.length === 1 ? lines[0] : `[${lines.join(', ')}]`;
  const group = type.group ? `.${type.group}` : '';
  return status(422, 'Invalid', `${type.kind}${group} "${name}" is invalid: ${joined}`, {
    name,
    ...(type.group ? { group: type.group } : {}),
    kind: type.kind,
    causes,
  });
}

/** Cause helpers named after the API machinery's field.Error constructors. */
export const fieldInvalid = (field: string, value: unknown, detail: string): FieldCause => ({
  reason: 'FieldValueInvalid',
  field,
  message: `Invalid value: ${typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value)}: ${detail}`,
});
export const fieldRequired = (field: string, detail = ''): FieldCause => ({
  reason: 'FieldValueRequired',
  field,
  message: `Required value${detail ? `: ${detail}` : ''}`,
});
export const fieldNotSupported = (field: string, value: unknown, allowed: string[]): FieldCause => ({
  reason: 'FieldValueNotSupported',
  field,
  message: `Unsupported value: ${JSON.stringify(value)}: supported values: ${allowed.map((a) => JSON.stringify(a)).join(', ')}`,
});
export const fieldForbidden = (field: string, detail: string): FieldCause => ({
  reason: 'FieldValueForbidden',
  field,
  message: `Forbidden: ${detail}`,
});

export const fieldTooLong = (field: string, max: number): FieldCause => ({
  reason: 'FieldValueTooLong',
  field,
  message: `Too long: may not be more than ${max} bytes`,
});

/** Creating in a namespace that does not exist. */
export const namespaceNotFound = (namespace: string) =>
  status(404, 'NotFound', `namespaces "${namespace}" not found`, { name: namespace, kind: 'namespaces' });
