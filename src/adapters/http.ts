import type { HttpPort, HttpRequest, HttpResponse } from '../actions/http-port.js';
import { RotorError } from '../errors.js';
import { reveal } from '../engine/secret.js';

/** Serialises a JSON body, revealing secrets only here, at the moment of sending. */
function revealDeep(value: unknown): unknown {
  if (
    value &&
    typeof value === 'object' &&
    'reveal' in value &&
    typeof (value as { reveal: unknown }).reveal === 'function'
  ) {
    return reveal(value);
  }
  if (Array.isArray(value)) return value.map(revealDeep);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, revealDeep(v)]));
  }
  return value;
}

/** HTTP over Node's built-in fetch, with a hard timeout and errors that name host and port. */
export const fetchHttp: HttpPort = {
  async request(request: HttpRequest): Promise<HttpResponse> {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers ?? {})) headers[name] = reveal(value);
    let body: string | undefined;
    if (request.json !== undefined) {
      headers['content-type'] ??= 'application/json';
      body = JSON.stringify(revealDeep(request.json));
    }
    const timeout = AbortSignal.timeout(request.timeoutMs);
    const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
    const where = safeOrigin(request.url);
    try {
      const response = await fetch(request.url, { method: request.method, headers, body, signal });
      return {
        status: response.status,
        headers: Object.fromEntries(response.headers.entries()),
        body: await response.text(),
      };
    } catch (error) {
      if (timeout.aborted) {
        throw new RotorError(`${request.method} ${where} did not answer within ${request.timeoutMs} ms`, {
          hint: 'check that the service is up and reachable from here, or raise the timeout',
        });
      }
      if (request.signal?.aborted) throw error;
      const code = (error as { cause?: { code?: string } }).cause?.code;
      throw new RotorError(`${request.method} ${where} failed: ${code ?? (error as Error).message}`, {
        hint:
          code === 'ECONNREFUSED'
            ? 'nothing is listening there: is the service running?'
            : 'check the URL and the network',
      });
    }
  },
};

/** The URL without credentials or query, safe to print. */
export function safeOrigin(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    // Not a URL yet (a dry run's ‹placeholder›): still drop anything that could be credentials.
    return url.replace(/\/\/[^/@]*@/, '//').split(/[?#]/)[0];
  }
}
