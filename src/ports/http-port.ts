import type { Secret } from '../engine/secret.js';

/** One HTTP exchange. Header values may be secrets; only the adapter reveals them. */
export interface HttpRequest {
  method: string;
  url: string;
  headers?: Record<string, string | Secret>;
  /** A JSON body; secrets inside are revealed by the adapter when it serialises. */
  json?: unknown;
  timeoutMs: number;
  signal?: AbortSignal;
  /**
   * How errors name this request (default: the URL without credentials or query). A webhook's
   * path is its credential (Slack, Teams), so the notifier passes the origin only.
   */
  printAs?: string;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /**
   * For a 3xx with a Location: the origin it points to. Redirects are never followed (the
   * headers, API keys among them, would go to wherever the answer says), so a 3xx is the answer.
   */
  redirectedTo?: string;
}

/** What http actions need; implemented over `fetch` in src/adapters/http.ts. */
export interface HttpPort {
  request(request: HttpRequest): Promise<HttpResponse>;
}
