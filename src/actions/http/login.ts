import { z } from 'zod';
import { RotorError } from '../../errors.js';
import { secretParam as secretOrString } from '../secret-param.js';
import { safeOrigin } from '../../ports/http-text.js';
import { defineAction } from '../types.js';
import { statusError } from './common.js';

const loginParams = z.object({
  url: z.string().url(),
  username: z.string(),
  password: secretOrString,
  /** Field of the JSON answer that holds the token. */
  token_field: z.string().default('token'),
  expect_status: z.coerce.number().int().default(200),
  timeout_ms: z.coerce.number().int().positive().default(5000),
});

/** `http.login`: Log in with a JSON POST and expect a token back (the token stays masked). */
export const httpLogin = defineAction({
  id: 'http.login',
  summary: 'Log in with a JSON POST and expect a token back (the token stays masked)',
  params: loginParams,
  outputs: ['token', 'status'],
  changes: false,
  class: 'safe',
  describe: (p) => `POST ${safeOrigin(p.url)} as ${p.username}, expecting a token; changes nothing`,
  async run(p, ctx) {
    const res = await ctx.ports.http.request({
      method: 'POST',
      url: p.url,
      json: { username: p.username, password: p.password },
      timeoutMs: p.timeout_ms,
      signal: ctx.signal,
    });
    if (res.status !== p.expect_status) throw statusError('POST', p.url, res, p.expect_status);
    let token: unknown;
    try {
      token = (JSON.parse(res.body) as Record<string, unknown>)[p.token_field];
    } catch {
      throw new RotorError(`POST ${safeOrigin(p.url)} did not answer JSON`);
    }
    if (typeof token !== 'string' || token === '') {
      throw new RotorError(`POST ${safeOrigin(p.url)} answered without a "${p.token_field}" field`);
    }
    ctx.log(`login as ${p.username} → ${res.status}, token received`);
    return { token: ctx.secret(token, `steps.${ctx.stepId}.token`), status: res.status };
  },
});
