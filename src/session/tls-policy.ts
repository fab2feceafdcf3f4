import type { Profile } from '../adapters/settings.js';
import { isWeakTls, type TlsMode } from '../adapters/tls-mode.js';
import { UsageError } from '../errors.js';

/** A connection whose TLS is to be judged: which system, how, and where, for the message. */
export interface TlsConnection {
  system: 'Vault' | 'Kubernetes';
  mode: TlsMode;
  /** `https://vault.example:8200`, or `context prod (10.0.0.1:6443)`. */
  where: string;
  /** The server's host name or address as written (`vault.example`, `127.0.0.1`, `[::1]`). */
  host: string;
}

/** An address that never leaves this machine, as written (a name that resolves there does not count). */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127(\.\d{1,3}){3}$/.test(bare);
}

function cause(c: TlsConnection): string {
  if (c.system === 'Vault')
    return c.mode === 'plain-http'
      ? `Vault at ${c.where} is plain http, so its token would cross the network unencrypted`
      : `VAULT_SKIP_VERIFY turns off TLS verification of Vault at ${c.where}, so anyone in the path could read its token`;
  return c.mode === 'plain-http'
    ? `Kubernetes (${c.where}) is plain http, so its credentials would cross the network unencrypted`
    : `the kubeconfig of Kubernetes ${c.where} sets insecure-skip-tls-verify, so anyone in the path could read its credentials`;
}

function remedy(c: TlsConnection, environment: string): string {
  const fix =
    c.system === 'Vault'
      ? c.mode === 'plain-http'
        ? 'use an https:// Vault address'
        : 'unset VAULT_SKIP_VERIFY (VAULT_CACERT names a CA to trust instead)'
      : c.mode === 'plain-http'
        ? 'use an https:// API server'
        : 'remove insecure-skip-tls-verify from the kubeconfig (certificate-authority names a CA to trust instead)';
  return `${fix}, or record the exception in the profile: rotor env add ${environment} --protected --allow-insecure-tls (with its other settings)`;
}

/**
 * Judges one connection's TLS before anything is sent over it. A protected environment refuses
 * plain http and skipped verification unless its profile records --allow-insecure-tls (a shell
 * variable must not be able to weaken production); anywhere else, and where allowed, it is a
 * warning the operator sees. Returns that warning, if any. Plain http to a loopback address is
 * neither: nothing on a network can read it, and it is how a local Vault Agent listener (or
 * `rotor sandbox`) is reached. The journal still records the mode.
 */
export function judgeTls(
  environment: { name: string; protected: boolean },
  profile: Profile | undefined,
  connection: TlsConnection,
): string | undefined {
  if (!isWeakTls(connection.mode)) return undefined;
  if (connection.mode === 'plain-http' && isLoopbackHost(connection.host)) return undefined;
  const allowed = profile?.allowInsecureTls === true;
  if (environment.protected && !allowed)
    throw new UsageError(
      `environment ${environment.name} is protected: ${cause(connection)}`,
      remedy(connection, environment.name),
    );
  return `${cause(connection)}${allowed ? ` (profile ${environment.name} allows insecure TLS)` : ''}`;
}

/**
 * NODE_TLS_REJECT_UNAUTHORIZED=0 in rotor's environment turns off certificate checks for every TLS
 * connection that does not set its own (HTTP checks carrying API keys, webhooks, the RabbitMQ
 * management API), whatever the profile says: judged like VAULT_SKIP_VERIFY, before anything is
 * sent. Returns the warning, if any.
 */
export function judgeProcessTls(
  environment: { name: string; protected: boolean },
  profile: Profile | undefined,
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  if (env.NODE_TLS_REJECT_UNAUTHORIZED !== '0') return undefined;
  const cause =
    'NODE_TLS_REJECT_UNAUTHORIZED=0 turns off TLS verification of every server rotor calls, so anyone in the path could read the credentials it sends';
  const allowed = profile?.allowInsecureTls === true;
  if (environment.protected && !allowed)
    throw new UsageError(
      `environment ${environment.name} is protected: ${cause}`,
      `unset NODE_TLS_REJECT_UNAUTHORIZED (NODE_EXTRA_CA_CERTS names a CA to trust instead), or record the exception in the profile: rotor env add ${environment.name} --protected --allow-insecure-tls (with its other settings)`,
    );
  return `${cause}${allowed ? ` (profile ${environment.name} allows insecure TLS)` : ''}`;
}
