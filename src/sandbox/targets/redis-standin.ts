import { createHash } from 'node:crypto';
import { Secret } from '../../engine/secret.js';
import type { RedisAuth, RedisPort, RedisSession } from '../../ports/redis-port.js';
import { redisError } from '../../adapters/redis-errors.js';

/** One sandbox node as a runbook would meet it. */
export interface RedisStandinNodeOptions {
  /** `host:port` */
  node: string;
  role?: 'master' | 'replica';
  /** Started from a config file (CONFIG REWRITE works); default true. */
  configFile?: boolean;
  aclFile?: boolean;
  requirepass?: string;
  /** ACL users besides default, with their passwords. */
  users?: Record<string, string[]>;
  /** How this node misbehaves: not there, CONFIG renamed away, or CONFIG SET not permitted. */
  refuse?: 'down' | 'config' | 'config-set';
}

interface NodeState {
  options: RedisStandinNodeOptions;
  requirepass: string;
  masterauth: string;
  /** user → sha256 hex of each password; default with none means nopass. */
  users: Map<string, Set<string>>;
  /** How often the node wrote its config file or ACL file (the change would survive a restart). */
  persisted: number;
}

const sha = (value: string) => createHash('sha256').update(value).digest('hex');

/** A server reply as ioredis would throw it. */
const reply = (message: string) => Object.assign(new Error(message), { name: 'ReplyError' });

/**
 * In-process Redis nodes for `--env sandbox` with Redis 7's password semantics: requirepass
 * replaces every password of the default user, ACL users hold several, removing an absent one is
 * an error, and open connections stay authenticated. Errors come from the adapter's own mapping.
 */
export class RedisStandin implements RedisPort {
  readonly label = 'sandbox stand-in';
  readonly #nodes = new Map<string, NodeState>();

  constructor(nodes: RedisStandinNodeOptions[]) {
    for (const options of nodes) {
      const users = new Map<string, Set<string>>([
        ['default', new Set(options.requirepass ? [sha(options.requirepass)] : [])],
      ]);
      for (const [user, passwords] of Object.entries(options.users ?? {}))
        users.set(user, new Set(passwords.map(sha)));
      this.#nodes.set(options.node, {
        options,
        requirepass: options.requirepass ?? '',
        masterauth: options.requirepass ?? '',
        users,
        persisted: 0,
      });
    }
  }

  /** Whether the node would accept this login now. */
  accepts(node: string, auth: RedisAuth): boolean {
    const state = this.#nodes.get(node);
    const passwords = state?.users.get(auth.username ?? 'default');
    if (!passwords) return false;
    if (passwords.size === 0) return !auth.password && (auth.username ?? 'default') === 'default';
    return auth.password !== undefined && passwords.has(sha(auth.password.reveal()));
  }

  /** Makes a node misbehave from now on, as `refuse` at start would (undefined heals it): rehearses a node failing mid-rotation. */
  refuse(node: string, how: RedisStandinNodeOptions['refuse']): void {
    const state = this.#nodes.get(node);
    if (!state) throw new Error(`the sandbox has no Redis node ${node}`);
    state.options = { ...state.options, refuse: how };
  }

  /** How many times the node persisted a change (CONFIG REWRITE or ACL SAVE). */
  persistedCount(node: string): number {
    return this.#nodes.get(node)?.persisted ?? 0;
  }

  #reach(node: string): NodeState {
    const state = this.#nodes.get(node);
    if (!state || state.options.refuse === 'down')
      throw redisError({ code: 'ECONNREFUSED' }, node, 'connecting', []);
    return state;
  }

  async open(node: string, auth: RedisAuth): Promise<RedisSession> {
    const state = this.#reach(node);
    const doing = auth.username ? `logging in as ${auth.username}` : 'logging in';
    if (!this.accepts(node, auth))
      throw redisError(
        reply('WRONGPASS invalid username-password pair or user is disabled.'),
        node,
        doing,
        auth.password ? [auth.password] : [],
      );
    return new StandinSession(state, node);
  }

  async tryAuth(node: string, auth: RedisAuth): Promise<boolean> {
    this.#reach(node);
    return this.accepts(node, auth);
  }
}

class StandinSession implements RedisSession {
  constructor(
    private readonly state: NodeState,
    readonly where: string,
  ) {}

  /** CONFIG as the node allows it; throws the reply a real node would give. */
  #config(sub: 'GET' | 'SET' | 'REWRITE', doing: string, secrets: Secret[]): void {
    const refuse = this.state.options.refuse;
    if (refuse === 'config')
      throw redisError(
        reply(`ERR unknown command 'CONFIG', with args beginning with: '${sub}'`),
        this.where,
        doing,
        secrets,
      );
    if (refuse === 'config-set' && sub === 'SET')
      throw redisError(
        reply("NOPERM User default has no permissions to run the 'config|set' command"),
        this.where,
        doing,
        secrets,
      );
  }

  async info() {
    return {
      role: this.state.options.role ?? 'master',
      configFile:
        this.state.options.configFile === false
          ? ''
          : `/etc/redis/${this.where.replace(/[^\w.-]/g, '_')}.conf`,
    };
  }

  async getConfigSecret(name: 'requirepass' | 'masterauth') {
    this.#config('GET', `CONFIG GET ${name}`, []);
    const value = name === 'requirepass' ? this.state.requirepass : this.state.masterauth;
    return value === '' ? null : new Secret(value, `${name} of ${this.where}`);
  }

  async setConfigSecret(name: 'requirepass' | 'masterauth', value: Secret | null) {
    this.#config('SET', `CONFIG SET ${name}`, value ? [value] : []);
    const plain = value?.reveal() ?? '';
    if (name === 'masterauth') this.state.masterauth = plain;
    else {
      this.state.requirepass = plain;
      this.state.users.set('default', new Set(plain ? [sha(plain)] : []));
    }
  }

  async aclFile() {
    this.#config('GET', 'CONFIG GET aclfile', []);
    return this.state.options.aclFile ? '/etc/redis/users.acl' : '';
  }

  async rewriteConfig() {
    this.#config('REWRITE', 'CONFIG REWRITE', []);
    if (this.state.options.configFile === false)
      throw redisError(
        reply('ERR The server is running without a config file'),
        this.where,
        'CONFIG REWRITE',
        [],
      );
    this.state.persisted++;
  }

  async aclSave() {
    if (!this.state.options.aclFile)
      throw redisError(
        reply('ERR This Redis instance is not configured to use an ACL file.'),
        this.where,
        'ACL SAVE',
        [],
      );
    this.state.persisted++;
  }

  async aclPasswordHashes(user: string) {
    const passwords = this.state.users.get(user);
    return passwords ? [...passwords] : null;
  }

  async aclAddPassword(user: string, password: Secret) {
    const passwords = this.state.users.get(user) ?? new Set<string>();
    passwords.add(sha(password.reveal()));
    this.state.users.set(user, passwords);
  }

  async aclRemovePassword(user: string, password: Secret) {
    const passwords = this.state.users.get(user);
    if (!passwords?.delete(sha(password.reveal()))) {
      throw redisError(
        reply(`ERR Error in ACL SETUSER modifier '<${password.reveal()}>': no such password`),
        this.where,
        `ACL SETUSER ${user} <(old password)`,
        [password],
      );
    }
  }

  async close() {}
}
