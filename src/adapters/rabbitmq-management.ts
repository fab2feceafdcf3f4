import { RotorError } from '../errors.js';
import { countRequest } from './request-meter.js';
import { Secret } from '../engine/secret.js';
import {
  RabbitApiUnreachable,
  type RabbitApi,
  type RabbitUser,
  type RabbitUserUpdate,
} from '../ports/rabbitmq-port.js';

/** `host:port` of the API, for messages. */
export function apiWhere(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '(invalid URL)';
  }
}

/** The API is not there: the caller may fall back to rabbitmqctl. */
export function apiUnreachable(where: string, why: string): RabbitApiUnreachable {
  return new RabbitApiUnreachable(`cannot reach the RabbitMQ management API at ${where} (${why})`, {
    hint: 'is the broker up with the management plugin enabled (rabbitmq-plugins enable rabbitmq_management)?',
  });
}

export function apiRefusedLogin(where: string, username: string): RotorError {
  return new RotorError(`the RabbitMQ management API at ${where} refused the login as ${username} (401)`, {
    hint: 'check the admin username and password; the user needs the administrator tag; nothing was changed',
  });
}

export function userMissing(name: string, where: string): RotorError {
  return new RotorError(`RabbitMQ user ${name} does not exist at ${where}`, {
    hint: 'check the user name (rabbitmqctl list_users); nothing was changed',
  });
}

/**
 * One call to the management API. Bodies of error answers are not repeated: only the status and
 * RabbitMQ's short error code, which never carry a password.
 */
async function call(
  api: RabbitApi,
  method: 'GET' | 'PUT',
  path: string,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  const where = apiWhere(api.url);
  const timeout = AbortSignal.timeout(api.timeoutMs);
  const signal = api.signal ? AbortSignal.any([api.signal, timeout]) : timeout;
  const headers: Record<string, string> = {
    authorization: `Basic ${Buffer.from(`${api.username}:${api.password.reveal()}`).toString('base64')}`,
  };
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  countRequest('rabbitmq');
  try {
    response = await fetch(new URL(path, api.url), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
      // Never resend the admin's Basic credentials (and a new password) where an answer points.
      redirect: 'manual',
    });
  } catch (error) {
    if (api.signal?.aborted) throw error;
    const code = timeout.aborted
      ? 'no answer within the timeout'
      : ((error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message);
    throw apiUnreachable(where, code);
  }
  const text = await response.text();
  if (response.status >= 300 && response.status < 400) {
    const location = response.headers.get('location');
    const target =
      location && URL.canParse(location, api.url) ? new URL(location, api.url).origin : 'elsewhere';
    throw new RotorError(
      `the RabbitMQ management API at ${where} answered ${response.status} to ${method} ${path.replace(/\/[^/]*$/, '/…')} (redirected to ${target}, not followed)`,
      {
        hint: 'point the management URL at the API itself (rotor does not follow redirects); nothing was changed',
      },
    );
  }
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (response.status === 401) {
    throw apiRefusedLogin(where, api.username);
  }
  if (response.status >= 400 && response.status !== 404) {
    const reason = (json as { error?: unknown } | null)?.error;
    throw new RotorError(
      `the RabbitMQ management API at ${where} answered ${response.status}${typeof reason === 'string' ? ` (${reason})` : ''} to ${method} ${path.replace(/\/[^/]*$/, '/…')}`,
      {
        hint:
          response.status === 403
            ? `${api.username} may not manage users: it needs the administrator tag`
            : 'see the broker log',
      },
    );
  }
  return { status: response.status, json };
}

const userPath = (name: string) => `/api/users/${encodeURIComponent(name)}`;

/** Tags arrive as a list (3.9+) or a comma-separated string (older brokers). */
function tagList(tags: unknown): string[] {
  if (Array.isArray(tags)) return tags.map(String);
  if (typeof tags === 'string')
    return tags
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
  return [];
}

export async function getUser(api: RabbitApi, name: string): Promise<RabbitUser | null> {
  const { status, json } = await call(api, 'GET', userPath(name));
  if (status === 404) return null;
  const user = json as { name: string; tags: unknown; password_hash: string; hashing_algorithm: string };
  return {
    name: user.name,
    tags: tagList(user.tags),
    passwordHash: new Secret(user.password_hash ?? '', `password hash of ${name}`),
    hashingAlgorithm: user.hashing_algorithm,
  };
}

export async function putUser(api: RabbitApi, name: string, update: RabbitUserUpdate): Promise<void> {
  // PUT replaces the whole user and creates one that is missing: check first, so a typo fails instead.
  if ((await getUser(api, name)) === null) {
    throw userMissing(name, apiWhere(api.url));
  }
  // Sent as a comma-separated string, which every broker version accepts.
  const tags = update.tags.join(',');
  const body =
    'password' in update
      ? { password: update.password.reveal(), tags }
      : { password_hash: update.passwordHash.reveal(), hashing_algorithm: update.hashingAlgorithm, tags };
  const { status } = await call(api, 'PUT', userPath(name), body);
  if (status !== 204 && status !== 201) {
    throw new RotorError(
      `the RabbitMQ management API at ${apiWhere(api.url)} answered ${status} to PUT /api/users/…`,
      { hint: 'see the broker log' },
    );
  }
}
