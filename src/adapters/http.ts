import type { HttpPort, HttpRequest, HttpResponse } from '../ports/http-port.js';
import { safeOrigin } from '../ports/http-text.js';
import { RotorError } from '../errors.js';
import { reveal } from '../engine/secret.js';
import { countRequest } from './request-meter.js';

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

/**
 * HTTP over Node's built-in fetch, with a hard timeout and errors that name host and port.
 * Redirects are not followed: fetch would resend every header (an X-API-Key, old and new) to the
 * origin the answer names, or downgrade https to http. The 3xx comes back as the answer.
 */
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
    const where = request.printAs ?? safeOrigin(request.url);
    countRequest('http');
    try {
      const response = await fetch(request.url, {
        method: request.method,
        headers,
        body,
        signal,
        redirect: 'manual',
      });
      const answer: HttpResponse = {
        status: response.status,
        headers: Object.fromEntries(response.headers.entries()),
        body: await response.text(),
      };
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location)
        answer.redirectedTo = URL.canParse(location, request.url)
          ? urlOrigin(new URL(location, request.url).href)
          : 'a Location that is not a URL';
      return answer;
    } catch (error) {
      if (timeout.aborted) {
        throw new RotorError(`${request.method} ${where} did not answer within ${request.timeoutMs} ms`, {
          hint: 'check that the service is up and reachable from here, or raise the timeout',
        });
      }
      if (request.signal?.aborted) throw error;
      const code = (error as { cause?: { code?: string } }).cause?.code;
      // fetch quotes a URL it cannot parse whole, path and all: name it as `where` instead.
      const why = code ?? (error as Error).message.split(request.url).join(where);
      throw new RotorError(`${request.method} ${where} failed: ${why}`, {
        hint:
          code === 'ECONNREFUSED'
            ? 'nothing is listening there: is the service running?'
            : 'check the URL and the network',
      });
    }
  },
};

/** `scheme://host:port` only: all that may be printed of a URL whose path is a credential (a webhook). */
export function urlOrigin(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return url.replace(/\/\/[^/@]*@/, '//').replace(/^([a-z][a-z0-9+.-]*:\/\/[^/?#]*).*$/i, '$1');
  }
}
