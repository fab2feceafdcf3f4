import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeConnectionOptions } from '../adapters/kubernetes-config.js';
import type { Profile } from '../adapters/settings.js';
import { vaultTlsMode, type TlsMode } from '../adapters/tls-mode.js';
import { vaultConfigFromEnv, type VaultConfig } from '../adapters/vault-config.js';
import { judgeProcessTls, judgeTls } from './tls-policy.js';
import { profileLogin } from './profile-login.js';

type Env = Readonly<Record<string, string | undefined>>;

/** How a real environment's Vault and Kubernetes are reached; a system left out is not configured. */
export interface ConnectionSettings {
  vault?: VaultConfig;
  /** How Vault's server is authenticated, for the journal. */
  vaultTls?: TlsMode;
  kube?: KubeConnectionOptions;
  /** Weakened TLS the operator should hear about (refused outright on a protected environment). */
  warnings: string[];
}

/** Whether kubectl would find a cluster here: KUBECONFIG, ~/.kube/config, or a pod's service account. */
function hasKubeconfig(env: Env, homeDir: string): boolean {
  return (
    Boolean(env.KUBECONFIG) ||
    existsSync(join(homeDir, '.kube', 'config')) ||
    existsSync('/var/run/secrets/kubernetes.io/serviceaccount/token')
  );
}

/**
 * The one way a profile becomes Vault and Kubernetes connection settings, for sessions and the
 * policy stores alike: the shell's variables as the Vault CLI and kubectl read them, each of the
 * profile's settings winning on its own (a namespace applies whether or not the profile also
 * names an address). `requireVault`: the caller cannot work without Vault (the policy stores),
 * so the Vault CLI's default address applies. Vault's TLS is judged here (tls-policy.ts): a
 * protected environment refuses a weakened one with a UsageError; Kubernetes' is judged once its
 * kubeconfig is read (connect.ts).
 */
export function connectionSettings(
  environment: { name: string; protected: boolean },
  profile: Profile | undefined,
  env: Env,
  homeDir: string,
  options: { requireVault?: boolean; renewToken?: boolean } = {},
): ConnectionSettings {
  const settings: ConnectionSettings = { warnings: [] };
  const processWide = judgeProcessTls(environment, profile, env);
  if (processWide) settings.warnings.push(processWide);
  if (options.requireVault || profile?.vaultAddr || env.VAULT_ADDR) {
    const login = profileLogin(profile, env);
    settings.vault = vaultConfigFromEnv(login.env, homeDir, {
      ...(profile?.vaultAddr ? { address: profile.vaultAddr } : {}),
      ...(profile?.vaultNamespace ? { namespace: profile.vaultNamespace } : {}),
      ...(profile?.vaultCaCert ? { caCertFile: profile.vaultCaCert } : {}),
      ...login.overrides,
      ...(options.renewToken === undefined ? {} : { renewToken: options.renewToken }),
    });
    settings.vaultTls = vaultTlsMode(settings.vault);
    const warning = judgeTls(environment, profile, {
      system: 'Vault',
      mode: settings.vaultTls,
      where: settings.vault.address,
      host: new URL(settings.vault.address).hostname,
    });
    if (warning) settings.warnings.push(warning);
  }
  if (profile?.kubeContext || profile?.kubeconfig || hasKubeconfig(env, homeDir)) {
    settings.kube = {
      ...(profile?.kubeconfig ? { kubeconfig: profile.kubeconfig } : {}),
      ...(profile?.kubeContext ? { context: profile.kubeContext } : {}),
      env: env as NodeJS.ProcessEnv,
      home: homeDir,
    };
  }
  return settings;
}
