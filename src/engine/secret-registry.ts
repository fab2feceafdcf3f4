import { MASK, Secret } from './secret.js';

/**
 * Every secret value seen in a session, so that text from outside (a server's error message,
 * a script's output line) can be scrubbed before it becomes an event. Wrapping protects values
 * we hold; scrubbing protects against a library echoing one back.
 */
export class SecretRegistry {
  readonly #needles = new Set<string>();

  add(secret: Secret): Secret {
    const value = secret.reveal();
    // Very short values would mask ordinary words; nothing that short is a real credential.
    if (value.length >= 4) {
      this.#needles.add(value);
      this.#needles.add(encodeURIComponent(value));
      this.#needles.add(Buffer.from(value).toString('base64').replace(/=+$/, ''));
    }
    return secret;
  }

  /** Registers every Secret nested inside a value (outputs, inputs). */
  addFrom(value: unknown): void {
    if (value instanceof Secret) this.add(value);
    else if (Array.isArray(value)) value.forEach((v) => this.addFrom(v));
    else if (value && typeof value === 'object') Object.values(value).forEach((v) => this.addFrom(v));
  }

  scrub(text: string): string {
    let out = text;
    for (const needle of this.#needles) if (out.includes(needle)) out = out.split(needle).join(MASK);
    return out;
  }
}
