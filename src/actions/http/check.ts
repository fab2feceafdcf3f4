import { z } from 'zod';
import { RotorError } from '../../errors.js';
import { redirectNote, safeOrigin } from '../../ports/http-text.js';
import { defineAction } from '../types.js';
import { headers, statusError } from './common.js';

const checkParams = z.object({
  url: z.string().url(),
  method: z.string().default('GET'),
  headers,
  expect_status: z.coerce.number().int().default(200),
  /** The body must contain this text (a health answer such as "ok"). */
  body_contains: z.string().optional(),
  timeout_ms: z.coerce.number().int().positive().default(5000),
});

/** `http.check`: Call an HTTP endpoint and check its status (and body). */
export const httpCheck = defineAction({
  id: 'http.check',
  summary: 'Call an HTTP endpoint and check its status (and body)',
  params: checkParams,
  outputs: ['status'],
  changes: false,
  class: 'safe',
  describe: (p) =>
    `${p.method} ${safeOrigin(p.url)} expecting ${p.expect_status}${p.body_contains ? ` and "${p.body_contains}"` : ''}; changes nothing`,
  async run(p, ctx) {
    const res = await ctx.ports.http.request({
      method: p.method,
      url: p.url,
      headers: p.headers,
      timeoutMs: p.timeout_ms,
      signal: ctx.signal,
    });
    if (res.status !== p.expect_status) throw statusError(p.method, p.url, res, p.expect_status);
    if (p.body_contains && !res.body.includes(p.body_contains)) {
      throw new RotorError(
        `${p.method} ${safeOrigin(p.url)} answered ${res.status} without "${p.body_contains}" in its body`,
      );
    }
    ctx.log(`${p.method} ${safeOrigin(p.url)} → ${res.status}${redirectNote(res)}`);
    return { status: res.status };
  },
});
