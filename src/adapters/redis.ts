import { Redis } from 'ioredis';
import { Secret } from '../engine/secret.js';
import type {
  RedisAuth,
  RedisCallOptions,
  RedisNodeInfo,
  RedisPort,
  RedisSession,
} from '../ports/redis-port.js';
import { parseRedisNode } from '../ports/redis-node.js';
import { isAuthRefusal, redisError } from './redis-errors.js';

/**
 * One plain connection: no retries, no offline queue, no automatic AUTH. Rotor sends AUTH itself
 * so a refusal is an answer it can report, and a dropped connection fails the command instead of
 * being silently re-established with a credential that may just have changed.
 */
async function connect(node: string, options: RedisCallOptions): Promise<Redis> {
  const { host, port } = parseRedisNode(node);
  const client = new Redis({
    host,
    port,
    lazyConnect: true,
    enableReadyCheck: false,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    reconnectOnError: () => false,
    autoResendUnfulfilledCommands: false,
    connectTimeout: options.timeoutMs,
    commandTimeout: options.timeoutMs,
  });
  // Socket errors arrive as events; connect() itself only says "Connection is closed".
  let socketError: unknown;
  client.on('error', (error) => {
    socketError ??= error;
  });
  options.signal?.addEventListener('abort', () => client.disconnect(), { once: true });
  try {
    await client.connect();
  } catch (error) {
    client.disconnect();
    throw redisError(socketError ?? error, node, 'connecting', []);
  }
  return client;
}

function authArgs(auth: RedisAuth): string[] | null {
  if (!auth.password) return null;
  return auth.username ? [auth.username, auth.password.reveal()] : [auth.password.reveal()];
}

/** Pairs of ACL GETUSER's flat reply, as a lookup. */
function field(reply: unknown[], name: string): unknown {
  const index = reply.indexOf(name);
  return index >= 0 ? reply[index + 1] : undefined;
}

class IoRedisSession implements RedisSession {
  constructor(
    private readonly client: Redis,
    readonly where: string,
  ) {}

  /** Runs a command; errors name the node and are scrubbed of the secrets involved. */
  private async call(doing: string, secrets: Secret[], command: string, ...args: string[]): Promise<unknown> {
    try {
      return await this.client.call(command, ...args);
    } catch (error) {
      throw redisError(error, this.where, doing, secrets);
    }
  }

  async info(): Promise<RedisNodeInfo> {
    const text = String(await this.call('reading INFO', [], 'INFO', 'server'));
    const replication = String(await this.call('reading INFO', [], 'INFO', 'replication'));
    const configFile = /^config_file:(.*)$/m.exec(text)?.[1]?.trim() ?? '';
    const role = /^role:slave/m.test(replication) ? 'replica' : 'master';
    return { role, configFile };
  }

  async getConfigSecret(name: 'requirepass' | 'masterauth'): Promise<Secret | null> {
    const reply = (await this.call(`CONFIG GET ${name}`, [], 'CONFIG', 'GET', name)) as string[];
    const value = reply[1] ?? '';
    return value === '' ? null : new Secret(value, `${name} of ${this.where}`);
  }

  async setConfigSecret(name: 'requirepass' | 'masterauth', value: Secret | null): Promise<void> {
    await this.call(`CONFIG SET ${name}`, value ? [value] : [], 'CONFIG', 'SET', name, value?.reveal() ?? '');
  }

  async aclFile(): Promise<string> {
    const reply = (await this.call('CONFIG GET aclfile', [], 'CONFIG', 'GET', 'aclfile')) as string[];
    return reply[1] ?? '';
  }

  async rewriteConfig(): Promise<void> {
    await this.call('CONFIG REWRITE', [], 'CONFIG', 'REWRITE');
  }

  async aclSave(): Promise<void> {
    await this.call('ACL SAVE', [], 'ACL', 'SAVE');
  }

  async aclPasswordHashes(user: string): Promise<string[] | null> {
    const reply = (await this.call(`ACL GETUSER ${user}`, [], 'ACL', 'GETUSER', user)) as unknown[] | null;
    if (!reply) return null;
    const passwords = field(reply, 'passwords');
    return Array.isArray(passwords) ? passwords.map(String) : [];
  }

  async aclAddPassword(user: string, password: Secret): Promise<void> {
    await this.call(
      `ACL SETUSER ${user} >(new password)`,
      [password],
      'ACL',
      'SETUSER',
      user,
      `>${password.reveal()}`,
    );
  }

  async aclRemovePassword(user: string, password: Secret): Promise<void> {
    await this.call(
      `ACL SETUSER ${user} <(old password)`,
      [password],
      'ACL',
      'SETUSER',
      user,
      `<${password.reveal()}`,
    );
  }

  async close(): Promise<void> {
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }
}

/** RedisPort over ioredis. */
export const ioRedis: RedisPort = {
  async open(node, auth, options) {
    const client = await connect(node, options);
    const args = authArgs(auth);
    try {
      if (args) await client.call('AUTH', ...args);
      await client.call('PING');
    } catch (error) {
      client.disconnect();
      throw redisError(
        error,
        node,
        auth.username ? `logging in as ${auth.username}` : 'logging in',
        auth.password ? [auth.password] : [],
      );
    }
    return new IoRedisSession(client, node);
  },

  async tryAuth(node, auth, options) {
    const client = await connect(node, options);
    try {
      const args = authArgs(auth);
      if (args) await client.call('AUTH', ...args);
      await client.call('PING');
      return true;
    } catch (error) {
      if (isAuthRefusal(error)) return false;
      throw redisError(error, node, 'logging in', auth.password ? [auth.password] : []);
    } finally {
      client.disconnect();
    }
  },
};
