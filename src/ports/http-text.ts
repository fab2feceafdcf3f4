import type { HttpResponse } from './http-port.js';

// How HTTP exchanges are named in messages, by the adapter and the actions alike: never with
// credentials or query strings.

/** For a 3xx: what the operator reads, " (redirected to <origin>, not followed)"; else "". */
export function redirectNote(response: Pick<HttpResponse, 'redirectedTo'>): string {
  return response.redirectedTo ? ` (redirected to ${response.redirectedTo}, not followed)` : '';
}

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
