import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Secret } from '../engine/secret.js';
import { UsageError } from '../errors.js';

/** How to reach and authenticate to Vault, resolved once from the environment and the profile. */
export interface VaultConfig {
  /** `VAULT_ADDR`; the Vault CLI's default is https://127.0.0.1:8200. */
  address: string;
  token?: Secret;
  /** Where the token came from, for messages ("VAULT_TOKEN", "~/.vault-token", "AppRole"). */
  tokenSource?: string;
  namespace?: string;
  /** `VAULT_CACERT`: a PEM file of CA certificates to trust. */
  caCertFile?: string;
  /** CA certificates to trust, as PEM text (the in-process sandbox's own CA); wins over caCertFile. */
  caCertPem?: string;
  /** `VAULT_SKIP_VERIFY`: no TLS verification (rehearsals against a self-signed sandbox only). */
  skipVerify: boolean;
  /** AppRole credentials, used when there is no token (and again when the token cannot be renewed). */
  appRole?: { roleId: string; secretId: Secret; mount: string };
  /**
   * Kubernetes auth: the pod's service-account token file, sent to `auth/<mount>/login` with the
   * role, when there is no token (and again when the token cannot be renewed). The file is read at
   * each login: a projected token is replaced by the kubelet while the pod runs.
   */
  kubernetes?: { role: string; tokenPath: string; mount: string };
  /** Per-request timeout. */
  timeoutMs: number;
  /** Renew the token in the background during long runs (default true). */
  renewToken: boolean;
}

type Env = Readonly<Record<string, string | undefined>>;

/** `strconv.ParseBool`, which the Vault CLI uses for VAULT_SKIP_VERIFY. */
function parseBool(name: string, value: string): boolean {
  if (/^(1|t|true)$/i.test(value)) return true;
  if (/^(0|f|false)$/i.test(value)) return false;
  throw new UsageError(`${name}="${value}" is not a boolean`, `set ${name} to true or false`);
}

/**
 * Reads the Vault CLI's environment variables, plus AppRole from VAULT_ROLE_ID and VAULT_SECRET_ID
 * (mount from VAULT_APPROLE_MOUNT), or Kubernetes auth from VAULT_K8S_ROLE (token file
 * VAULT_K8S_TOKEN_PATH, default the pod's service-account token; mount VAULT_K8S_MOUNT). `overrides` come from the environment's profile and win.
 * The token comes from VAULT_TOKEN, else `<home>/.vault-token`, as the CLI's token helper does.
 */
export function vaultConfigFromEnv(
  env: Env,
  homeDir: string,
  overrides: Partial<VaultConfig> = {},
): VaultConfig {
  const address = (overrides.address ?? env.VAULT_ADDR ?? 'https://127.0.0.1:8200').replace(/\/+$/, '');
  try {
    const url = new URL(address);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('protocol');
  } catch {
    throw new UsageError(
      `VAULT_ADDR "${address}" is not an http(s) URL`,
      'set VAULT_ADDR to the address of Vault, such as https://vault.example.com:8200',
    );
  }
  let token = overrides.token;
  let tokenSource = overrides.tokenSource ?? (token ? 'profile' : undefined);
  // An environment that logs in with AppRole or Kubernetes auth (its inventory says so) takes no
  // token from the shell.
  const shellToken = overrides.appRole === undefined && overrides.kubernetes === undefined;
  if (!token && shellToken && env.VAULT_TOKEN) {
    token = new Secret(env.VAULT_TOKEN.trim(), 'VAULT_TOKEN');
    tokenSource = 'VAULT_TOKEN';
  }
  const tokenFile = join(homeDir, '.vault-token');
  if (!token && shellToken && existsSync(tokenFile)) {
    const text = readFileSync(tokenFile, 'utf8').trim();
    if (text) {
      token = new Secret(text, '~/.vault-token');
      tokenSource = '~/.vault-token';
    }
  }
  let appRole = overrides.appRole;
  if (!appRole && env.VAULT_ROLE_ID) {
    if (!env.VAULT_SECRET_ID)
      throw new UsageError(
        'VAULT_ROLE_ID is set without VAULT_SECRET_ID',
        'set both for AppRole login, or neither',
      );
    appRole = {
      roleId: env.VAULT_ROLE_ID,
      secretId: new Secret(env.VAULT_SECRET_ID, 'VAULT_SECRET_ID'),
      mount: env.VAULT_APPROLE_MOUNT ?? 'approle',
    };
  }
  let kubernetes = overrides.kubernetes;
  if (!kubernetes && env.VAULT_K8S_ROLE) {
    if (appRole)
      throw new UsageError(
        'both AppRole (VAULT_ROLE_ID) and Kubernetes auth (VAULT_K8S_ROLE) are set',
        'set the variables of one auth method only',
      );
    kubernetes = {
      role: env.VAULT_K8S_ROLE,
      tokenPath: env.VAULT_K8S_TOKEN_PATH || '/var/run/secrets/kubernetes.io/serviceaccount/token',
      mount: env.VAULT_K8S_MOUNT || 'kubernetes',
    };
  }
  if (kubernetes && !/^[A-Za-z0-9][A-Za-z0-9_.-]*(\/[A-Za-z0-9][A-Za-z0-9_.-]*)*$/.test(kubernetes.mount))
    throw new UsageError(
      `VAULT_K8S_MOUNT "${kubernetes.mount}" is not an auth mount path`,
      'e.g. kubernetes',
    );
  const caCertFile = overrides.caCertFile ?? env.VAULT_CACERT;
  if (caCertFile && !existsSync(caCertFile))
    throw new UsageError(
      `VAULT_CACERT file ${caCertFile} does not exist`,
      'point VAULT_CACERT at the PEM file of the CA that signed the Vault server certificate',
    );
  return {
    address,
    token,
    tokenSource,
    namespace: overrides.namespace ?? (env.VAULT_NAMESPACE || undefined),
    caCertFile,
    caCertPem: overrides.caCertPem,
    skipVerify:
      overrides.skipVerify ??
      (env.VAULT_SKIP_VERIFY ? parseBool('VAULT_SKIP_VERIFY', env.VAULT_SKIP_VERIFY) : false),
    appRole,
    kubernetes,
    timeoutMs: overrides.timeoutMs ?? 30_000,
    renewToken: overrides.renewToken ?? true,
  };
}

/** The CA certificates to trust for Vault, if the configuration names any. */
export function vaultCa(config: Pick<VaultConfig, 'caCertFile' | 'caCertPem'>): string | Buffer | undefined {
  if (config.caCertPem) return config.caCertPem;
  return config.caCertFile ? readFileSync(config.caCertFile) : undefined;
}

/** `host:port` of the address, with the scheme's default port spelled out, for messages. */
export function hostPort(address: string): string {
  const url = new URL(address);
  return `${url.hostname}:${url.port || (url.protocol === 'https:' ? '443' : '80')}`;
}
