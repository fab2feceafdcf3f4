import type { ResourceType } from './resources.js';
import { fieldInvalid, fieldRequired, type FieldCause } from './status.js';
import type { KubeObject } from './store.js';

const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

/** Kinds whose names become DNS labels (hostnames of their pods, namespace names). */
const LABEL_NAMED = new Set(['Namespace', 'StatefulSet']);

export function validateName(type: ResourceType, name: unknown, field = 'metadata.name'): FieldCause[] {
  if (typeof name !== 'string' || name === '')
    return [fieldRequired(field, 'name or generateName is required')];
  if (LABEL_NAMED.has(type.kind)) {
    if (name.length > 63) return [fieldInvalid(field, name, 'must be no more than 63 characters')];
    if (!LABEL.test(name)) return [fieldInvalid(field, name, LABEL_MSG)];
    return [];
  }
  if (name.length > 253) return [fieldInvalid(field, name, 'must be no more than 253 characters')];
  if (!SUBDOMAIN.test(name)) return [fieldInvalid(field, name, SUBDOMAIN_MSG)];
  return [];
}

/** A qualified name (`prefix/name`), the rule for label and annotation keys. */
/** IsQualifiedName's message, or undefined when the key is valid. */
export function qualifiedNameErrors(key: string): string | undefined {
  const parts = key.split('/');
  if (parts.length > 2)
    return "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')";
  const [prefix, name] = parts.length === 2 ? parts : [undefined, parts[0]];
  if (prefix !== undefined && (prefix.length === 0 || prefix.length > 253 || !SUBDOMAIN.test(prefix)))
    return `prefix part ${SUBDOMAIN_MSG}`;
  if (!name || name.length > 63) return 'name part must be no more than 63 characters';
  if (!NAME_PART.test(name))
    return "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
  return undefined;
}

const MAX_ANNOTATIONS_BYTES = 256 * 1024;

export function validateLabels(labels: unknown, field: string): FieldCause[] {
  if (labels === undefined) return [];
  if (!isStringMap(labels)) return [fieldInvalid(field, labels, 'must be a map of strings')];
  const causes: FieldCause[] = [];
  for (const [key, value] of Object.entries(labels)) {
    const keyError = qualifiedNameErrors(key);
    if (keyError) causes.push(fieldInvalid(field, key, keyError));
    const valueError = labelValueError(value);
    if (valueError) causes.push(fieldInvalid(field, value, valueError));
  }
  return causes;
}

/** IsValidLabelValue's message, or undefined when the value is valid. */
export function labelValueError(value: string): string | undefined {
  if (value.length > 63) return 'must be no more than 63 characters';
  if (!LABEL_VALUE.test(value))
    return "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
  return undefined;
}

export function validateAnnotations(annotations: unknown, field: string): FieldCause[] {
  if (annotations === undefined) return [];
  if (!isStringMap(annotations)) return [fieldInvalid(field, annotations, 'must be a map of strings')];
  const causes: FieldCause[] = [];
  let size = 0;
  for (const [key, value] of Object.entries(annotations)) {
    const keyError = qualifiedNameErrors(key.toLowerCase());
    if (keyError) causes.push(fieldInvalid(field, key, keyError));
    size += key.length + value.length;
  }
  if (size > MAX_ANNOTATIONS_BYTES)
    causes.push({
      reason: 'FieldValueTooLong',
      field,
      message: `Too long: must have at most ${MAX_ANNOTATIONS_BYTES} bytes`,
    });
  return causes;
}

export function isStringMap(value: unknown): value is Record<string, string> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((v) => typeof v === 'string')
  );
}

/** Metadata rules every kind shares. */
export function validateMeta(type: ResourceType, object: KubeObject): FieldCause[] {
  return [
    ...validateName(type, object.metadata.name),
    ...validateLabels(object.metadata.labels, 'metadata.labels'),
    ...validateAnnotations(object.metadata.annotations, 'metadata.annotations'),
  ];
}
