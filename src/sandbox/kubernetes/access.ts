import type { IncomingMessage } from 'node:http';
import { timingSafeEqual } from 'node:crypto';

/** An operation to refuse with 403; unset fields match anything. */
export interface DenyRule {
  /** get, list, watch, create, update, patch, delete. */
  verb?: string;
  /** The resource as RBAC names it: `deployments`, `pods/log`, `externalsecrets`. */
  resource: string;
  namespace?: string;
  name?: string;
}

/** The user the sandbox token authenticates as, named in 403 messages as RBAC would. */
export const SANDBOX_USER = 'system:serviceaccount:default:rotor-sandbox';

/**
 * Bearer-token authentication plus a deny list. The real API server's RBAC is allow-only; a deny
 * list is the smallest way for tests to make one verb on one resource forbidden.
 */
export class Access {
  readonly #token: Buffer;
  #denied: DenyRule[] = [];

  constructor(token: string) {
    this.#token = Buffer.from(token);
  }

  authenticated(req: IncomingMessage): boolean {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (!match) return false;
    const given = Buffer.from(match[1].trim());
    return given.length === this.#token.length && timingSafeEqual(given, this.#token);
  }

  /** Forbids matching operations until the returned function is called. */
  deny(rule: DenyRule): () => void {
    this.#denied.push(rule);
    return () => {
      this.#denied = this.#denied.filter((r) => r !== rule);
    };
  }

  allowed(verb: string, resource: string, namespace: string | undefined, name: string | undefined): boolean {
    return !this.#denied.some(
      (r) =>
        (r.verb === undefined || r.verb === verb) &&
        r.resource === resource &&
        (r.namespace === undefined || r.namespace === namespace) &&
        (r.name === undefined || r.name === name),
    );
  }
}
