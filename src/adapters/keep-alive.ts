import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';

/** How a server is authenticated: the CA to trust (else the system's), or no check at all. */
export interface AgentTls {
  ca?: string | Buffer;
  skipVerify?: boolean;
}

/**
 * One keep-alive agent for one server, shared by every request of a session: a connection (and
 * its TLS handshake) is opened once and reused, not once per request. Verification is on unless
 * the environment says `skipVerify` (never left to NODE_TLS_REJECT_UNAUTHORIZED from the shell).
 */
export function keepAliveAgent(address: string, tls: AgentTls = {}): HttpAgent {
  // A few sockets at most per server: a parallel group of 16 shares them rather than opening 16.
  const common = { keepAlive: true, maxSockets: 16, maxFreeSockets: 16, scheduling: 'lifo' as const };
  if (!address.startsWith('https:')) return new HttpAgent(common);
  return new HttpsAgent({ ...common, ca: tls.ca, rejectUnauthorized: !tls.skipVerify });
}

/**
 * The methods rotor resends on its own: reads only. PUT and DELETE are idempotent in HTTP, but
 * Vault's PUT is often "create" or "rotate" and Kubernetes' a versioned update.
 */
const RESENDABLE = new Set(['GET', 'HEAD', 'OPTIONS', 'LIST']);

/** A failure of a kept connection the server had already closed: nothing reached the server. */
function staleSocket(error: unknown): boolean {
  const e = error as { reusedSocket?: boolean; code?: string };
  return e?.reusedSocket === true && (e.code === 'ECONNRESET' || e.code === 'EPIPE');
}

/**
 * Sends once; when a read failed on a reused connection the server had closed meanwhile (its idle
 * timeout raced the request), sends it once more on a new connection. A write is never resent:
 * whether it reached the server cannot be known, so its failure goes to the step (which checks the
 * real state on retry or resume) rather than risking a second rotation.
 */
export async function retriesOnFreshSocket<T>(method: string, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    if (!RESENDABLE.has(method.toUpperCase()) || !staleSocket(error)) throw error;
    return send();
  }
}
