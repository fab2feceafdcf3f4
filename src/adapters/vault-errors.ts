import { VaultError } from '../ports/vault-port.js';
import { hostPort } from './vault-config.js';

/** What a failed call was doing, for the message. */
export interface CallContext {
  /** "reading secret/harmonyflow/redis" */
  doing: string;
  /** The API path, as policies name it: "secret/data/harmonyflow/redis". */
  apiPath: string;
  /** The capabilities the call needs (create or update for a write). */
  needs: string[];
  address: string;
}

const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/;

/** The HTTP status of a node-vault error, when Vault answered. */
export function statusOf(error: unknown): number | undefined {
  return (error as { response?: { statusCode?: number } })?.response?.statusCode;
}

/**
 * Vault's first error message, used only to recognise known answers (never printed as is: a
 * server body can carry secret metadata).
 */
export function vaultMessage(error: unknown): string {
  const errors = (error as { response?: { body?: { errors?: unknown } } })?.response?.body?.errors;
  return Array.isArray(errors) && typeof errors[0] === 'string' ? errors[0] : '';
}

/** Turns a failed node-vault call into a VaultError; `tokenCaps` are what the token holds on the path. */
export function mapVaultError(error: unknown, ctx: CallContext, tokenCaps?: string[]): VaultError {
  if (error instanceof VaultError) return error;
  const where = hostPort(ctx.address);
  const status = statusOf(error);
  if (status === undefined) {
    const code = (error as { code?: string })?.code ?? 'no answer';
    if (TLS_CODES.test(code)) {
      return new VaultError(
        'unreachable',
        `Vault at ${where} failed TLS verification (${code}) while ${ctx.doing}`,
        {
          hint: "set VAULT_CACERT to the PEM file of the CA that signed Vault's certificate (VAULT_SKIP_VERIFY=true only for a sandbox)",
        },
      );
    }
    const timedOut = code === 'ECONNABORTED' || code === 'ETIMEDOUT';
    return new VaultError(
      'unreachable',
      `Vault at ${where} is unreachable (${timedOut ? 'timed out' : code}) while ${ctx.doing}`,
      {
        hint: 'check VAULT_ADDR, that Vault is running, and that this machine can reach it',
      },
    );
  }
  const message = vaultMessage(error);
  const at = `${ctx.apiPath} (${status})`;
  if (status === 403 && message.includes('invalid token')) {
    return new VaultError(
      'invalid-token',
      `Vault refused the token while ${ctx.doing}: permission denied, invalid token (403)`,
      {
        status,
        hint: 'the token expired or was revoked: log in again (vault login), or set VAULT_TOKEN or AppRole credentials',
      },
    );
  }
  if (status === 403) {
    const missing = ctx.needs.filter((c) => !tokenCaps?.includes(c));
    const need = (missing.length ? missing : ctx.needs).map((c) => `"${c}"`).join(' or ');
    const has = tokenCaps ? ` (the token has ${tokenCaps.length ? tokenCaps.join(', ') : 'none'} there)` : '';
    return new VaultError(
      'permission-denied',
      `permission denied while ${ctx.doing}: the token lacks the ${need} capability on ${at}${has}`,
      {
        status,
        hint: `add ${need} on "${ctx.apiPath}" to a policy of this token, or use a token that has it`,
      },
    );
  }
  if (status === 503 && !/sealed/i.test(message)) {
    // Sealed Vault says so ("Vault is sealed"); any other 503 is a node or proxy that is unavailable.
    return new VaultError('server-error', `Vault at ${where} is unavailable (503) while ${ctx.doing}`, {
      status,
      hint: 'vault status shows whether it is sealed or a standby; look at its health and logs, then retry the step',
    });
  }
  if (status === 503) {
    return new VaultError('sealed', `Vault at ${where} is sealed (503) while ${ctx.doing}`, {
      status,
      hint: 'unseal it (the vault.unseal step, or vault operator unseal) with the key holders, then retry',
    });
  }
  if (status === 404) {
    return new VaultError('not-found', `${ctx.apiPath} not found (404) while ${ctx.doing}`, {
      status,
      hint: 'check the path and the mount (a KV v2 path is read as <mount>/data/<path>)',
    });
  }
  if (status === 400) {
    return new VaultError('bad-request', `Vault refused ${ctx.doing}: bad request at ${at}`, {
      status,
      hint: "check the step's parameters; the vault CLI shows Vault's own message for the same request",
    });
  }
  if (status === 429) {
    return new VaultError('server-error', `Vault at ${where} is a standby node (429) while ${ctx.doing}`, {
      status,
      hint: 'point VAULT_ADDR at the active node',
    });
  }
  return new VaultError('server-error', `Vault answered ${status} while ${ctx.doing} at ${ctx.apiPath}`, {
    status,
    hint: 'Vault is failing: look at its health and logs, then retry the step',
  });
}
