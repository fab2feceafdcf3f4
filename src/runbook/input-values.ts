import type { Secret } from '../engine/secret.js';

/**
 * Where an input's value came from, highest precedence first: `--set`, a rotation policy,
 * `ROTOR_INPUT_<NAME>` (secret inputs only), the inventory's runbook section, its shared section,
 * typed in the TUI, the runbook's default. Screens and `rotor env show` print it beside the value.
 */
export type InputSource =
  'set' | 'policy' | 'environment' | 'inventory-runbook' | 'inventory-shared' | 'typed' | 'default';

/**
 * A field of a Vault KV v2 secret, named where an input's value would go (an inventory, a
 * policy): `{ vault: harmonyflow/postgres-admin, field: url }`. It holds no secret, only where
 * one is; rotor reads it when the session connects, with the operator's own token, and the value
 * is secret from then on whatever the input's declaration says.
 */
export class VaultRef {
  constructor(
    /** Path inside the mount, as rotor spells every KV path (`harmonyflow/postgres-admin`). */
    readonly path: string,
    readonly field: string,
    /** The KV v2 mount (default `secret`). */
    readonly mount: string = 'secret',
    /** Where the reference was written (`rotor.inventory.yaml:14:18`, `policy harmonyflow/redis`), for messages. */
    readonly origin?: string,
  ) {}

  /** `vault:secret/harmonyflow/postgres-admin#url`: how screens and `env show` print it. */
  toString(): string {
    return `vault:${this.mount}/${this.path}#${this.field}`;
  }

  /** The reference as written in YAML or JSON (a policy stores it so). */
  toJSON(): { vault: string; field: string; mount?: string } {
    return { vault: this.path, field: this.field, ...(this.mount === 'secret' ? {} : { mount: this.mount }) };
  }
}

/**
 * A value the environment's world supplies once it is connected, written as `{{ env.NAME }}`:
 * the sandbox's addresses and its own administrators' credentials, which exist only once its
 * emulators and stand-ins are up.
 */
export class WorldValue {
  constructor(readonly template: string) {}

  toString(): string {
    return this.template;
  }
}

/** An input value before the session connects. */
export type GivenValue = string | Secret | VaultRef | WorldValue;

/** True for values known only once connected (read from Vault, or supplied by the world). */
export function isDeferred(value: unknown): value is VaultRef | WorldValue {
  return value instanceof VaultRef || value instanceof WorldValue;
}
