import Conf from 'conf';
import { join } from 'node:path';
import { processEnvironment } from '../environment.js';
import type { VaultAuth } from '../inventory/schema.js';

/** A named environment an operator configured (`rotor env add`). */
export interface Profile {
  name: string;
  /** Production-like: the operator must type the name before the first change, and --yes needs --confirm-env. */
  protected: boolean;
  description?: string;
  vaultAddr?: string;
  vaultNamespace?: string;
  kubeContext?: string;
  kubeconfig?: string;
  /**
   * `--allow-insecure-tls`: on a protected environment, Vault over plain http, VAULT_SKIP_VERIFY
   * and a kubeconfig's insecure-skip-tls-verify are refused unless the profile records this.
   */
  allowInsecureTls?: boolean;
  /** PEM file of the CA that signed Vault's certificate (VAULT_CACERT for this environment). */
  vaultCaCert?: string;
  /** How rotor logs in to Vault here (default: the operator's token, as the Vault CLI finds it). */
  vaultAuth?: VaultAuth;
  /** The inventory file this environment comes from; none for a profile saved by `rotor env add`. */
  inventory?: string;
}

interface SettingsShape {
  profiles: Record<string, Profile>;
  defaultEnvironment?: string;
}

/**
 * The operator's own settings (profiles, default environment), kept with `conf`. Shared state —
 * policies, history, locks — lives in Vault instead, where every operator sees the same.
 */
export class Settings {
  private readonly store: Conf<SettingsShape>;

  constructor(env: Readonly<Record<string, string | undefined>> = processEnvironment()) {
    this.store = new Conf<SettingsShape>({
      projectName: 'rotor',
      projectSuffix: '',
      cwd: env.ROTOR_HOME ? join(env.ROTOR_HOME, 'config') : undefined,
      configFileMode: 0o600,
      defaults: { profiles: {} },
    });
  }

  profiles(): Profile[] {
    return Object.values(this.store.get('profiles'));
  }

  saveProfile(profile: Profile): void {
    this.store.set('profiles', { ...this.store.get('profiles'), [profile.name]: profile });
  }

  removeProfile(name: string): boolean {
    const profiles = { ...this.store.get('profiles') };
    if (!(name in profiles)) return false;
    delete profiles[name];
    this.store.set('profiles', profiles);
    return true;
  }

  get defaultEnvironment(): string | undefined {
    return this.store.get('defaultEnvironment');
  }

  set defaultEnvironment(name: string | undefined) {
    if (name === undefined) this.store.delete('defaultEnvironment');
    else this.store.set('defaultEnvironment', name);
  }

  get path(): string {
    return this.store.path;
  }
}
