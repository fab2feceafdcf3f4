import { z } from 'zod';
import { redirectNote, safeOrigin } from '../../ports/http-text.js';
import { defineAction } from '../types.js';
import { headers, statusError } from './common.js';

const requestParams = z.object({
  url: z.string().url(),
  method: z.string().default('POST'),
  headers,
  json: z.unknown().optional(),
  expect_status: z.coerce.number().int().default(200),
  timeout_ms: z.coerce.number().int().positive().default(10000),
});

/** `http.request`: Send an HTTP request that changes something (revoke all sessions). */
export const httpRequest = defineAction({
  id: 'http.request',
  summary: 'Send an HTTP request that changes something (revoke all sessions)',
  params: requestParams,
  outputs: ['status'],
  changes: true,
  class: 'guarded',
  describe: (p) => `${p.method} ${safeOrigin(p.url)}`,
  // An HTTP endpoint's change (sessions revoked, a webhook fired) cannot be read back in general:
  // an operator looks before it is sent again.
  check: async () => 'cannot-tell',
  async run(p, ctx) {
    const res = await ctx.ports.http.request({
      method: p.method,
      url: p.url,
      headers: p.headers,
      json: p.json,
      timeoutMs: p.timeout_ms,
      signal: ctx.signal,
    });
    if (res.status !== p.expect_status) throw statusError(p.method, p.url, res, p.expect_status);
    ctx.log(`${p.method} ${safeOrigin(p.url)} → ${res.status}${redirectNote(res)}`);
    return { status: res.status };
  },
});
