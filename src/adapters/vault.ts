import type { Secret } from '../engine/secret.js';
import {
  VaultError,
  isVaultError,
  type SealStatus,
  type TransitKeyInfo,
  type VaultPort,
} from '../ports/vault-port.js';
import type { VaultConfig } from './vault-config.js';
import { buildClient, methodLogin, call, startRenewal } from './vault-client.js';
import { kvMethods } from './vault-kv.js';
import { checkedApiPath, engineApiPath } from './vault-api-path.js';

export { vaultConfigFromEnv, type VaultConfig } from './vault-config.js';

/** Optional observers of what the adapter does in the background. */
export interface VaultPortHooks {
  /** Token renewal trouble, for the session log. */
  onWarning?(message: string): void;
}

function keyInfo(name: string, data: Record<string, unknown>): TransitKeyInfo {
  const keys = (data.keys ?? {}) as Record<string, number>;
  return {
    name,
    latestVersion: Number(data.latest_version),
    minDecryptionVersion: Number(data.min_decryption_version),
    minEncryptionVersion: Number(data.min_encryption_version),
    versions: Object.fromEntries(Object.entries(keys).map(([n, t]) => [Number(n), Number(t)])),
  };
}

function sealStatus(body: Record<string, unknown>): SealStatus {
  return {
    sealed: Boolean(body.sealed),
    threshold: Number(body.t),
    shares: Number(body.n),
    progress: Number(body.progress),
  };
}

/**
 * The VaultPort over node-vault, configured the Vault CLI's way (see vaultConfigFromEnv). Logs in
 * with AppRole when there is no token, and renews the token in the background.
 */
export async function createVaultPort(config: VaultConfig, hooks: VaultPortHooks = {}): Promise<VaultPort> {
  const { client, closeConnections } = buildClient(config);
  if (!config.token && (config.appRole || config.kubernetes)) await methodLogin(client, config);
  const stopRenewal = await startRenewal(client, config, (m) => hooks.onWarning?.(m));
  const ctx = (doing: string, apiPath: string, needs: string[]) => ({
    doing,
    apiPath,
    needs,
    address: config.address,
  });

  const unseal = async (body: Record<string, unknown>, signal?: AbortSignal) => {
    try {
      return sealStatus(
        await call(client, ctx('unsealing', 'sys/unseal', ['update']), () => client.unseal(body), signal),
      );
    } catch (error) {
      if (isVaultError(error, 'server-error') && error.status === 500) {
        // Vault answers 500 when the shares cannot be combined at all (two with the same index).
        throw new VaultError(
          'server-error',
          'Vault answered 500 while unsealing at sys/unseal; the unseal progress starts again from 0',
          {
            status: 500,
            hint: "two shares may be the same share position (one mistyped or copied twice): check each with its holder; otherwise look at Vault's logs",
          },
        );
      }
      if (!isVaultError(error, 'bad-request')) throw error;
      throw new VaultError(
        'bad-request',
        'Vault refused the unseal share (400); the unseal progress starts again from 0',
        {
          status: 400,
          hint: 'check each share with its holder: a share must be the exact base64 or hex text vault operator init printed',
        },
      );
    }
  };

  return {
    address: config.address,
    ...kvMethods(client, config.address),

    async transitKeyInfo(mount, key, options = {}) {
      const path = engineApiPath(mount, 'keys', key, 'the transit key');
      const res = await call(
        client,
        ctx(`reading transit key ${key}`, path, ['read']),
        () => client.read(path),
        options.signal,
      );
      return keyInfo(key, res.data);
    },

    async transitRotate(mount, key, options = {}) {
      const path = `${engineApiPath(mount, 'keys', key, 'the transit key')}/rotate`;
      try {
        // node-vault's rotate() rotates Vault's barrier key: transit rotation is a write to this path.
        const res = await call(
          client,
          ctx(`rotating transit key ${key}`, path, ['update']),
          () => client.write(path, {}),
          options.signal,
        );
        if (res?.data?.latest_version !== undefined) return keyInfo(key, res.data);
      } catch (error) {
        if (isVaultError(error, 'bad-request'))
          throw new VaultError(
            'not-found',
            `transit key ${key} not found at ${mount}/keys/${key} (400 key not found)`,
            { status: 400, hint: 'check the key name and the transit mount' },
          );
        throw error;
      }
      return this.transitKeyInfo(mount, key, options); // servers before 1.14 answer 204
    },

    async dbRotateRoot(mount, connection, options = {}) {
      const path = engineApiPath(mount, 'rotate-root', connection, 'the database connection');
      await call(
        client,
        ctx(`rotating the root credential of database connection ${connection}`, path, ['update']),
        () => client.write(path, {}),
        options.signal,
      );
    },

    async dbRotateRole(mount, role, options = {}) {
      const path = engineApiPath(mount, 'rotate-role', role, 'the static role');
      try {
        await call(
          client,
          ctx(`rotating static role ${role}`, path, ['update']),
          () => client.write(path, {}),
          options.signal,
        );
      } catch (error) {
        if (isVaultError(error, 'bad-request'))
          throw new VaultError('not-found', `no static role ${role} at ${mount}/static-roles/${role} (400)`, {
            status: 400,
            hint: 'check the role name (vault list database/static-roles)',
          });
        throw error;
      }
    },

    async dbStaticCreds(mount, role, options = {}) {
      const path = engineApiPath(mount, 'static-creds', role, 'the static role');
      try {
        const res = await call(
          client,
          ctx(`reading static credentials of ${role}`, path, ['read']),
          () => client.read(path),
          options.signal,
        );
        return {
          username: String(res.data.username),
          password: String(res.data.password),
          lastVaultRotation: String(res.data.last_vault_rotation),
          ttl: Number(res.data.ttl),
        };
      } catch (error) {
        if (isVaultError(error, 'bad-request'))
          throw new VaultError('not-found', `no static role ${role} at ${mount}/static-roles/${role} (400)`, {
            status: 400,
            hint: 'check the role name (vault list database/static-roles)',
          });
        throw error;
      }
    },

    async renewLease(leaseId, incrementSeconds, options = {}) {
      const body = incrementSeconds
        ? { lease_id: leaseId, increment: incrementSeconds }
        : { lease_id: leaseId };
      try {
        const res = await call(
          client,
          ctx(`renewing lease ${leaseId}`, 'sys/leases/renew', ['update']),
          () => client.write('sys/leases/renew', body),
          options.signal,
        );
        return {
          leaseId: String(res.lease_id),
          leaseDuration: Number(res.lease_duration),
          renewable: Boolean(res.renewable),
        };
      } catch (error) {
        if (isVaultError(error, 'bad-request'))
          throw new VaultError('not-found', `lease ${leaseId} not found or not renewable (400)`, {
            status: 400,
            hint: 'the lease expired or was revoked: request new credentials',
          });
        throw error;
      }
    },

    async health(options = {}) {
      // node-vault resolves sys/health's non-200 answers with their body instead of throwing.
      const body = await call(
        client,
        ctx('checking Vault health', 'sys/health', ['read']),
        () => client.health({ standbyok: false }),
        options.signal,
      );
      if (typeof body?.sealed !== 'boolean') {
        throw new VaultError('server-error', `Vault answered sys/health without a health status`, {
          hint: 'Vault is failing: look at its logs',
        });
      }
      const status = !body.initialized ? 501 : body.sealed ? 503 : body.standby ? 429 : 200;
      return {
        initialized: Boolean(body.initialized),
        sealed: body.sealed,
        standby: Boolean(body.standby),
        version: String(body.version ?? ''),
        status,
      };
    },

    async sealStatus(options = {}) {
      return sealStatus(
        await call(
          client,
          ctx('reading the seal status', 'sys/seal-status', ['read']),
          () => client.status(),
          options.signal,
        ),
      );
    },

    unsealShare: (share: Secret, options = {}) => unseal({ key: share.reveal() }, options.signal),
    unsealReset: (options = {}) => unseal({ reset: true }, options.signal),

    async read(apiPath, options = {}) {
      checkedApiPath(apiPath);
      const res = await call(
        client,
        ctx(`reading ${apiPath}`, apiPath, ['read']),
        () => client.read(apiPath),
        options.signal,
      );
      return (res?.data ?? {}) as Record<string, unknown>;
    },

    async list(apiPath, options = {}) {
      checkedApiPath(apiPath);
      try {
        const res = await call(
          client,
          ctx(`listing ${apiPath}`, apiPath, ['list']),
          () => client.list(apiPath),
          options.signal,
        );
        const keys = (res?.data as { keys?: unknown } | undefined)?.keys;
        return Array.isArray(keys) ? keys.map(String) : [];
      } catch (error) {
        // Vault answers an empty list with 404.
        if (isVaultError(error, 'not-found')) return [];
        throw error;
      }
    },

    async write(apiPath, body, options = {}) {
      checkedApiPath(apiPath);
      const res = await call(
        client,
        ctx(`writing ${apiPath}`, apiPath, ['update']),
        () => client.write(apiPath, body),
        options.signal,
      );
      return (res?.data ?? {}) as Record<string, unknown>;
    },

    close() {
      stopRenewal();
      closeConnections();
    },
  } satisfies VaultPort;
}
