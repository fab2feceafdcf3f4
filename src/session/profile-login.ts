import type { Profile } from '../adapters/settings.js';
import type { VaultConfig } from '../adapters/vault-config.js';
import { Secret } from '../engine/secret.js';
import { UsageError } from '../errors.js';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * How an environment's Vault login method (an inventory's `vault.auth`) shapes the config:
 * `token` (or none) is the Vault CLI's own search; `approle` logs in with the inventory's role
 * id and the secret id from the variable it names, and no shell token stands in for it;
 * `kubernetes` logs in with the service-account token file and the role.
 */
export function profileLogin(
  profile: Profile | undefined,
  env: Env,
): { env: Env; overrides: Partial<VaultConfig> } {
  const auth = profile?.vaultAuth;
  if (!auth || auth.method === 'token') return { env, overrides: {} };
  if (auth.method === 'approle') {
    const secretId = env[auth.secret_id_env];
    if (!secretId)
      throw new UsageError(
        `environment ${profile.name} logs in to Vault with AppRole, and ${auth.secret_id_env} (its secret id) is not set`,
        `export ${auth.secret_id_env} with the secret id of role ${auth.role_id}`,
      );
    return {
      env,
      overrides: {
        appRole: {
          roleId: auth.role_id,
          secretId: new Secret(secretId, auth.secret_id_env),
          mount: auth.mount,
        },
        tokenSource: 'AppRole',
      },
    };
  }
  if (auth.method === 'kubernetes')
    return {
      env,
      overrides: {
        kubernetes: { role: auth.role, tokenPath: auth.token_path, mount: auth.mount },
        tokenSource: 'Kubernetes',
      },
    };
  return { env, overrides: {} };
}
