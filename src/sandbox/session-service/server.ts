import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import type { SecretsSource, ServiceSecrets } from './service-secrets.js';

/** The sandbox's stand-in for the guide's session-state-service. */
export interface SessionService {
  url: string;
  /** Re-reads the secrets, as a restarted pod does. */
  reload(): Promise<void>;
  /** Number of sessions (tokens issued and not revoked). */
  activeSessions(): number;
  close(): Promise<void>;
}

const TEST_USER = { username: 'test', password: 'test' };

function same(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function body(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
  } catch {
    return undefined;
  }
}

function bearer(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice(7) : undefined;
}

/**
 * Starts the demo service on 127.0.0.1: login issuing HS256 JWTs, verification accepting the
 * current or the previous secret (the grace period of a zero-downtime rotation), health with an
 * optional X-API-Key check, active sessions and revoke-all behind the admin token.
 */
export async function startSessionService(source: SecretsSource, port = 0): Promise<SessionService> {
  let secrets: ServiceSecrets = await source();
  const revoked = new Set<string>();
  const issued = new Set<string>();
  const key = (value: string) => new TextEncoder().encode(value);

  async function verify(
    token: string,
    current: string,
    previous?: string,
  ): Promise<'current' | 'previous' | undefined> {
    for (const [label, secret] of [
      ['current', current],
      ['previous', previous],
    ] as const) {
      if (!secret) continue;
      try {
        const { payload } = await jwtVerify(token, key(secret), { algorithms: ['HS256'] });
        if (payload.jti && revoked.has(payload.jti)) return undefined;
        return label;
      } catch {
        // try the next secret
      }
    }
    return undefined;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/v1/health' && req.method === 'GET') {
      const apiKey = req.headers['x-api-key'];
      if (apiKey !== undefined && !same(String(apiKey), secrets['api-key']))
        return send(res, 401, { error: 'invalid API key' });
      return send(res, 200, { status: 'ok' });
    }
    if (path === '/v1/auth/login' && req.method === 'POST') {
      const given = (await body(req)) as { username?: string; password?: string } | undefined;
      if (given?.username !== TEST_USER.username || given?.password !== TEST_USER.password)
        return send(res, 401, { error: 'invalid credentials' });
      const now = Math.floor(Date.now() / 1000);
      const jti = crypto.randomUUID();
      const token = await new SignJWT({ sub: given.username })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuedAt(now)
        .setExpirationTime(now + 900)
        .setJti(jti)
        .sign(key(secrets['jwt-secret']));
      const refresh = await new SignJWT({ sub: given.username, typ: 'refresh' })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuedAt(now)
        .sign(key(secrets['jwt-refresh-secret']));
      issued.add(jti);
      return send(res, 200, { token, refresh_token: refresh });
    }
    if (path === '/v1/auth/verify' && req.method === 'GET') {
      const token = bearer(req);
      const signedWith = token
        ? await verify(token, secrets['jwt-secret'], secrets['jwt-secret-previous'])
        : undefined;
      return signedWith
        ? send(res, 200, { valid: true, signed_with: signedWith })
        : send(res, 401, { error: 'invalid token' });
    }
    if (path.startsWith('/v1/admin/')) {
      if (!same(bearer(req), secrets['admin-token']))
        return send(res, 401, { error: 'admin token required' });
      if (path === '/v1/admin/sessions/active' && req.method === 'GET')
        return send(res, 200, { active: issued.size });
      if (path === '/v1/admin/sessions/revoke-all' && req.method === 'POST') {
        const count = issued.size;
        for (const jti of issued) revoked.add(jti);
        issued.clear();
        return send(res, 200, { revoked: count });
      }
    }
    send(res, 404, { error: 'not found' });
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => send(res, 500, { error: 'internal error' }));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    reload: async () => {
      secrets = await source();
    },
    activeSessions: () => issued.size,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
