import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { VaultError } from '../ports/vault-port.js';
import { keepAliveAgent, retriesOnFreshSocket } from './keep-alive.js';
import { countRequest } from './request-meter.js';
import { vaultCa, type VaultConfig } from './vault-config.js';

/** One request as node-vault hands it to its transport. */
interface NodeVaultRequest {
  method: string;
  uri: string;
  headers?: Record<string, string>;
  /** A body to send as JSON (node-vault also sets `true` for "answer in JSON"). */
  json?: unknown;
  timeout?: number;
}

/** The answer node-vault expects back. */
interface NodeVaultResponse {
  statusCode: number;
  body: unknown;
  request: { path: string };
}

/** node-vault's transport, and the end of its connections. */
export interface VaultTransport {
  defaults: () => (r: NodeVaultRequest) => Promise<NodeVaultResponse>;
  /** Closes the kept-alive connections. */
  close(): void;
}

/**
 * node-vault's HTTP transport (its `request-promise` option) over node:http(s), which never
 * follows a redirect. node-vault's own transport does: it would resend X-Vault-Token to whatever
 * origin a 3xx names, https or not. A 3xx is refused here instead, naming where it pointed.
 * Every request of the session goes over one keep-alive agent (one TCP and TLS handshake, not one
 * per request); a kept connection the server had closed is replaced, see retriesOnFreshSocket.
 */
export function vaultTransport(config: VaultConfig): VaultTransport {
  const agent = keepAliveAgent(config.address, { ca: vaultCa(config), skipVerify: config.skipVerify });
  const send = (r: NodeVaultRequest): Promise<NodeVaultResponse> =>
    retriesOnFreshSocket(r.method, () => sendOnce(r));
  const sendOnce = (r: NodeVaultRequest): Promise<NodeVaultResponse> =>
    new Promise((resolve, reject) => {
      countRequest('vault');
      const url = new URL(r.uri);
      const headers: Record<string, string> = { ...r.headers };
      const body = r.json !== undefined && typeof r.json === 'object' ? JSON.stringify(r.json) : undefined;
      // PATCH comes with its own (application/merge-patch+json): keep it.
      const typed = Object.keys(headers).some((h) => h.toLowerCase() === 'content-type');
      if (body !== undefined && !typed) headers['content-type'] = 'application/json';
      const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(
        url,
        { method: r.method, agent, headers, timeout: r.timeout ?? config.timeoutMs },
        (res: IncomingMessage) => {
          const status = res.statusCode ?? 0;
          if (status >= 300 && status < 400) {
            res.resume();
            const location = res.headers.location;
            const target =
              location && URL.canParse(location, url) ? new URL(location, url).origin : 'elsewhere';
            reject(
              new VaultError(
                'unreachable',
                `Vault at ${url.host} answered ${status} to ${r.method} ${url.pathname} (redirected to ${target}, not followed)`,
                {
                  status,
                  hint: 'set VAULT_ADDR to the address that answers itself (the active node, or its load balancer): rotor does not follow redirects, which would carry the token elsewhere',
                },
              ),
            );
            return;
          }
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('error', reject);
          res.on('end', () => {
            let parsed: unknown = text;
            try {
              parsed = text ? JSON.parse(text) : undefined;
            } catch {
              // not JSON: node-vault reports the status
            }
            resolve({ statusCode: status, body: parsed, request: { path: url.pathname } });
          });
        },
      );
      req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
      req.on('error', (error) => reject(Object.assign(error, { reusedSocket: req.reusedSocket })));
      req.end(body);
    });
  return { defaults: () => send, close: () => agent.destroy() };
}
