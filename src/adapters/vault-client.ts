import vault from 'node-vault';
import { readFileSync } from 'node:fs';
import { VaultError } from '../ports/vault-port.js';
import { UsageError } from '../errors.js';
import { vaultCa, type VaultConfig } from './vault-config.js';
import { vaultTransport } from './vault-transport.js';
import { renewToken } from './vault-renewal.js';
import { mapVaultError, statusOf, vaultMessage, type CallContext } from './vault-errors.js';

export type NodeVaultClient = vault.client;

/** A client and the end of its connections. */
export interface BuiltClient {
  client: NodeVaultClient;
  /** Closes the session's kept-alive connections to Vault. */
  closeConnections(): void;
}

/**
 * A node-vault client from a resolved config. node-vault falls back to process.env for the token,
 * namespace and TLS verification; rotor sets each explicitly so only the config decides.
 * `noCustomHTTPVerbs`: Node's HTTP servers (and some proxies) refuse the LIST verb.
 */
export function buildClient(config: VaultConfig): BuiltClient {
  const ca = vaultCa(config);
  const transport = vaultTransport(config);
  const client = vault({
    endpoint: config.address,
    noCustomHTTPVerbs: true,
    // node:http(s) that never follows a redirect (node-vault's own would resend the token).
    'request-promise': transport,
    requestOptions: { timeout: config.timeoutMs, strictSSL: !config.skipVerify, ...(ca ? { ca } : {}) },
  });
  client.token = config.token?.reveal() ?? '';
  (client as unknown as { namespace: string }).namespace = config.namespace ?? '';
  return { client, closeConnections: () => transport.close() };
}

/** Logs in with AppRole; node-vault keeps the token it answers. */
export async function appRoleLogin(client: NodeVaultClient, config: VaultConfig): Promise<void> {
  const role = config.appRole!;
  try {
    await client.approleLogin({
      role_id: role.roleId,
      secret_id: role.secretId.reveal(),
      mount_point: role.mount,
    });
  } catch (error) {
    if (statusOf(error) === 400 && vaultMessage(error).includes('invalid role or secret ID')) {
      throw new VaultError(
        'invalid-token',
        `AppRole login at auth/${role.mount}/login was refused: invalid role or secret ID (400)`,
        {
          status: 400,
          hint: 'check VAULT_ROLE_ID and VAULT_SECRET_ID (secret IDs can expire or be used up)',
        },
      );
    }
    throw mapVaultError(error, {
      doing: 'logging in with AppRole',
      apiPath: `auth/${role.mount}/login`,
      needs: ['update'],
      address: config.address,
    });
  }
}

/** Logs in with the Kubernetes auth method: the service-account JWT, read now, and the role. */
export async function kubernetesLogin(client: NodeVaultClient, config: VaultConfig): Promise<void> {
  const k = config.kubernetes!;
  let jwt: string;
  try {
    jwt = readFileSync(k.tokenPath, 'utf8').trim();
  } catch {
    throw new UsageError(
      `the service-account token file ${k.tokenPath} cannot be read`,
      'run in a pod with a service account (automountServiceAccountToken or a projected token), or set VAULT_K8S_TOKEN_PATH',
    );
  }
  try {
    await client.kubernetesLogin({ role: k.role, jwt, mount_point: k.mount });
  } catch (error) {
    const status = statusOf(error);
    if (status === 400 || status === 403)
      throw new VaultError(
        'invalid-token',
        `Kubernetes login at auth/${k.mount}/login as role ${k.role} was refused: ${vaultMessage(error)} (${status})`,
        {
          status,
          hint:
            status === 403
              ? "the role's bound_service_account_names and bound_service_account_namespaces must include this pod's service account, and Vault must be able to review its token"
              : `check the role name (vault read auth/${k.mount}/role/${k.role})`,
        },
      );
    throw mapVaultError(error, {
      doing: 'logging in with Kubernetes auth',
      apiPath: `auth/${k.mount}/login`,
      needs: ['update'],
      address: config.address,
    });
  }
}

/** Logs in with whichever auth method the config names (Kubernetes or AppRole). */
export async function methodLogin(client: NodeVaultClient, config: VaultConfig): Promise<void> {
  if (config.kubernetes) await kubernetesLogin(client, config);
  else if (config.appRole) await appRoleLogin(client, config);
}

/**
 * Keeps the token alive during long runs: renewed at 80% of its TTL (see renewToken). A token that
 * can no longer be renewed is replaced by a new AppRole login when AppRole is configured. Resolves
 * to the stop function.
 */
export async function startRenewal(
  client: NodeVaultClient,
  config: VaultConfig,
  warn: (message: string) => void,
): Promise<() => void> {
  if (!config.renewToken) return () => undefined;
  let stop = () => {};
  const relogin = () => {
    if (!config.appRole && !config.kubernetes) {
      warn('the Vault token could not be renewed; it will stop working when its TTL ends');
      return;
    }
    methodLogin(client, config)
      .then(async () => {
        stop();
        stop = await renewToken(client, { expired: relogin, failed: relogin });
      })
      .catch(() =>
        warn(
          `the Vault token could not be renewed and the ${config.kubernetes ? 'Kubernetes' : 'AppRole'} login failed`,
        ),
      );
  };
  stop = await renewToken(client, { expired: relogin, failed: relogin });
  return () => stop();
}

function abortable<T>(work: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * Runs one client call and turns its failure into a VaultError. On a policy denial it asks Vault
 * which capabilities the token does have on the path, so the message can name the missing one.
 */
export async function call<T>(
  client: NodeVaultClient,
  ctx: CallContext,
  work: () => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  try {
    return await abortable(work(), signal);
  } catch (error) {
    if (signal?.aborted) throw error;
    let caps: string[] | undefined;
    if (statusOf(error) === 403 && !vaultMessage(error).includes('invalid token')) {
      caps = await client
        .write('sys/capabilities-self', { paths: [ctx.apiPath] })
        .then((res: { data?: Record<string, unknown> }) =>
          Array.isArray(res?.data?.[ctx.apiPath]) ? (res.data![ctx.apiPath] as string[]) : undefined,
        )
        .catch(() => undefined);
    }
    throw mapVaultError(error, ctx, caps);
  }
}
