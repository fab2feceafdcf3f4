import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { VaultError, type KvLocation, type KvSecret, type VaultPort } from '../ports/vault-port.js';
import { vaultCa, type VaultConfig } from './vault-config.js';
import { keepAliveAgent } from './keep-alive.js';
import type { SecretMetadataReader } from '../policy/secret-age.js';
import type { StoreVault } from '../policy/store-layout.js';
import { metadataOf } from './vault-metadata.js';
import { kvApiPath } from './vault-api-path.js';

/**
 * The policy stores' Vault for `rotor due`, `status`, `history` and `stats`: KV reads as plain
 * node:http(s) GETs with the resolved config's address, token, namespace and TLS settings, and
 * everything else through the real adapter (src/adapters/vault.ts), loaded on first need.
 *
 * Why: loading node-vault and axios takes longer than `rotor due` over 10,000 policies may take
 * in all. A read that Vault answers with 200 or a plain 404 never loads them; any other answer,
 * a network error, a versioned read, every write, and an AppRole login go to the adapter, so
 * errors keep its wording and its hints. Metadata reads (a secret's age, for `rotor due`) take the
 * same path.
 */
export function storeVault(
  config: VaultConfig,
  adapter: () => Promise<VaultPort>,
): StoreVault & SecretMetadataReader & { close(): Promise<void> } {
  let loaded: Promise<VaultPort> | undefined;
  const full = () => (loaded ??= adapter());
  const https = config.address.startsWith('https:');
  const agent = keepAliveAgent(config.address, { ca: vaultCa(config), skipVerify: config.skipVerify });

  /** One GET; undefined when anything but 200 or a plain 404 came back, so the adapter retries it. */
  const get = (
    at: KvLocation,
    kind: 'data' | 'metadata' = 'data',
  ): Promise<{ status: number; body: any } | undefined> =>
    new Promise((resolve) => {
      const headers: Record<string, string> = { 'X-Vault-Token': config.token!.reveal() };
      if (config.namespace) headers['X-Vault-Namespace'] = config.namespace;
      // The adapter's own last check: the URL parser would resolve a `..` that reached this far.
      const url = `${config.address}/v1/${kvApiPath(at, kind)}`;
      const req = (https ? httpsRequest : httpRequest)(
        url,
        { agent, headers, timeout: config.timeoutMs },
        (res: IncomingMessage) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => {
            try {
              resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : {} });
            } catch {
              resolve(undefined);
            }
          });
          res.on('error', () => resolve(undefined));
        },
      );
      req.on('timeout', () => req.destroy());
      req.on('error', () => resolve(undefined));
      req.end();
    });

  return {
    async kvRead(at, options = {}): Promise<KvSecret> {
      if (options.version || !config.token) return (await full()).kvRead(at, options);
      const answer = await get(at);
      if (answer?.status === 200 && answer.body?.data?.data) {
        const { data, metadata } = answer.body.data;
        return { data, version: Number(metadata.version), createdTime: String(metadata.created_time) };
      }
      // A plain 404 (no deleted or destroyed version behind it): never written.
      if (answer?.status === 404 && !answer.body?.data) {
        throw new VaultError('not-found', `${at.mount}/${at.path} not found (404)`, {
          status: 404,
          hint: `check the path and the mount ("${at.mount}")`,
        });
      }
      return (await full()).kvRead(at, options);
    },
    async kvMetadata(at, options = {}) {
      if (!config.token) return (await full()).kvMetadata(at, options);
      const answer = await get(at, 'metadata');
      if (answer?.status === 200 && answer.body?.data) return metadataOf(answer.body.data);
      if (answer?.status === 404 && !answer.body?.data) return null;
      return (await full()).kvMetadata(at, options);
    },
    kvWrite: async (at, data, options) => (await full()).kvWrite(at, data, options),
    async close() {
      agent.destroy();
      if (loaded) (await loaded.catch(() => undefined))?.close();
    },
  };
}
