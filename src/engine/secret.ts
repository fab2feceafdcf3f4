import { inspect } from 'node:util';

/**
 * A value that must never be shown, logged or journalled in clear.
 *
 * Wrapping (rather than tagging strings in a side table) means every accidental path —
 * JSON.stringify, template literals, util.inspect, console.log — prints a mask instead of the
 * value. Only `reveal()` hands the plaintext to the one place that needs it: a client call.
 */
export class Secret {
  readonly #value: string;
  /** Short, non-secret label for screens and logs ("inputs.admin_url", "steps.generate.value"). */
  readonly label: string;

  constructor(value: string, label = 'secret') {
    this.#value = value;
    this.label = label;
  }

  reveal(): string {
    return this.#value;
  }

  get length(): number {
    return this.#value.length;
  }

  toString(): string {
    return MASK;
  }

  toJSON(): string {
    return MASK;
  }

  [inspect.custom](): string {
    return `Secret(${this.label})`;
  }
}

export const MASK = '••••••';

export function isSecret(value: unknown): value is Secret {
  return value instanceof Secret;
}

/** The plaintext of a secret or the string form of anything else; for client calls only. */
export function reveal(value: unknown): string {
  if (value instanceof Secret) return value.reveal();
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : String(value);
}

/** True when the value, or anything nested inside it, is a secret. */
export function containsSecret(value: unknown): boolean {
  if (value instanceof Secret) return true;
  if (Array.isArray(value)) return value.some(containsSecret);
  if (value && typeof value === 'object') return Object.values(value).some(containsSecret);
  return false;
}
