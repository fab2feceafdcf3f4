import { isVaultError, type VaultPort } from '../ports/vault-port.js';
import { Secret } from '../engine/secret.js';
import { UsageError } from '../errors.js';
import { VaultRef } from '../runbook/input-values.js';
import type { GivenInputs } from '../runbook/inputs.js';

/** Refusals that mean "this reference cannot be read with this token": bad input, exit 2. */
const REFUSED = new Set(['permission-denied', 'not-found', 'deleted', 'invalid-token', 'bad-request']);

/**
 * Reads every Vault reference among the inputs with the session's own token, before anything is
 * locked or changed, and hands the values on wrapped: secret everywhere from here, whatever the
 * input declares. A path or field the token cannot read refuses the run (exit 2) naming the
 * input, where the reference was written, the path, the field and the capability.
 */
export async function readVaultInputs(
  given: GivenInputs,
  vault: VaultPort | undefined,
): Promise<GivenInputs> {
  const refs = Object.entries(given).filter((e): e is [string, VaultRef] => e[1] instanceof VaultRef);
  if (refs.length === 0) return given;
  const out: GivenInputs = { ...given };
  for (const [name, ref] of refs) {
    const said = `input ${name}${ref.origin ? ` (${ref.origin})` : ''}`;
    if (!vault)
      throw new UsageError(
        `${said} is read from Vault (${ref}), and this environment has no Vault`,
        "give the environment a Vault address (the inventory's vault.address, or VAULT_ADDR)",
      );
    let data: Record<string, unknown>;
    try {
      data = (await vault.kvRead({ mount: ref.mount, path: ref.path })).data;
    } catch (error) {
      if (isVaultError(error) && REFUSED.has(error.kind))
        throw new UsageError(
          `${said}: field "${ref.field}" of ${ref.mount}/${ref.path} cannot be read, so nothing was started: ${error.message}`,
          error.hint ?? `the token needs "read" on ${ref.mount}/data/${ref.path}`,
        );
      throw error;
    }
    const value = data[ref.field];
    if (value === undefined || value === null || value === '')
      throw new UsageError(
        `${said}: ${ref.mount}/${ref.path} has no field "${ref.field}", so nothing was started`,
        `its fields: ${Object.keys(data).join(', ') || 'none'}; fix the reference or write the field`,
      );
    out[name] = new Secret(typeof value === 'string' ? value : JSON.stringify(value), `inputs.${name}`);
  }
  return out;
}
