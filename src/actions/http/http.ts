import { z } from 'zod';
import { RotorError } from '../../errors.js';
import { secretParam as secretOrString } from '../secret-param.js';
import { redirectNote, safeOrigin } from '../../adapters/http.js';
import type { HttpResponse } from '../../ports/http-port.js';
import { defineAction, type ActionDefinition } from '../types.js';

const headers = z.record(z.string(), secretOrString).default({});

const checkParams = z.object({
  url: z.string().url(),
  method: z.string().default('GET'),
  headers,
  expect_status: z.coerce.number().int().default(200),
  /** The body must contain this text (a health answer such as "ok"). */
  body_contains: z.string().optional(),
  timeout_ms: z.coerce.number().int().positive().default(5000),
});

function statusError(method: string, url: string, res: HttpResponse, want: number): RotorError {
  const got = res.status;
  return new RotorError(
    `${method} ${safeOrigin(url)} answered ${got}${redirectNote(res)}, expected ${want}`,
    {
      hint: res.redirectedTo
        ? 'rotor does not follow redirects (they would carry the credential elsewhere): point the URL at the final address'
        : got === 401 || got === 403
          ? 'the credential was refused: has the service picked up the new value?'
          : 'look at the service health and its logs',
    },
  );
}

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

const loginParams = z.object({
  url: z.string().url(),
  username: z.string(),
  password: secretOrString,
  /** Field of the JSON answer that holds the token. */
  token_field: z.string().default('token'),
  expect_status: z.coerce.number().int().default(200),
  timeout_ms: z.coerce.number().int().positive().default(5000),
});

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

const requestParams = z.object({
  url: z.string().url(),
  method: z.string().default('POST'),
  headers,
  json: z.unknown().optional(),
  expect_status: z.coerce.number().int().default(200),
  timeout_ms: z.coerce.number().int().positive().default(10000),
});

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

export const httpActions: readonly ActionDefinition[] = [httpCheck, httpLogin, httpRequest];
