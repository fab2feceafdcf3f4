import { createHash, randomBytes } from 'node:crypto';
import { RotorError } from '../../errors.js';
import { Secret } from '../../engine/secret.js';
import type {
  AmqpTarget,
  RabbitApi,
  RabbitPort,
  RabbitUser,
  RabbitUserUpdate,
} from '../../ports/rabbitmq-port.js';
import { rabbitHashMatches } from '../../ports/rabbitmq-hash.js';
import {
  apiRefusedLogin,
  apiUnreachable,
  apiWhere,
  userMissing,
} from '../../adapters/rabbitmq-management.js';

/** The sandbox broker: where its API and AMQP listener are, its users, and whether rotor runs beside it. */
export interface RabbitStandinOptions {
  /** Default `rabbitmq.sandbox:15672`. */
  apiWhere?: string;
  /** Default `rabbitmq.sandbox:5672`. */
  amqpWhere?: string;
  users: Record<string, { password: string; tags?: string[] }>;
  /** rabbitmqctl works here (rotor beside the broker); default true. */
  local?: boolean;
}

const ALGORITHM = 'rabbit_password_hashing_sha256';

/** RabbitMQ's stored form: base64(salt[4] ‖ sha256(salt ‖ password)). */
function rabbitHash(password: string): string {
  const salt = randomBytes(4);
  return Buffer.concat([salt, createHash('sha256').update(salt).update(password, 'utf8').digest()]).toString(
    'base64',
  );
}

/**
 * An in-process RabbitMQ for `--env sandbox`: users hold salted hashes as the broker does, PUT
 * keeps only the tags it is sent, the API can be taken down (`apiDown`) to rehearse the
 * rabbitmqctl fallback, and AMQP logins are checked against the hashes.
 */
export class RabbitStandin implements RabbitPort {
  readonly label = 'sandbox stand-in';
  /** While true the management API refuses connections; AMQP and rabbitmqctl still work. */
  apiDown = false;
  /** While true the AMQP listener refuses connections (rehearse a failing login check). */
  amqpDown = false;
  readonly #users = new Map<string, { tags: string[]; hash: string; algorithm: string }>();
  readonly #apiWhere: string;
  readonly #amqpWhere: string;
  readonly #local: boolean;

  constructor(options: RabbitStandinOptions) {
    this.#apiWhere = options.apiWhere ?? 'rabbitmq.sandbox:15672';
    this.#amqpWhere = options.amqpWhere ?? 'rabbitmq.sandbox:5672';
    this.#local = options.local ?? true;
    for (const [name, user] of Object.entries(options.users))
      this.#users.set(name, { tags: user.tags ?? [], hash: rabbitHash(user.password), algorithm: ALGORITHM });
  }

  /** Whether the broker would accept this login now. */
  accepts(name: string, password: string): boolean {
    const user = this.#users.get(name);
    return !!user && rabbitHashMatches(new Secret(user.hash), user.algorithm, new Secret(password));
  }

  tagsOf(name: string): string[] | undefined {
    return this.#users.get(name)?.tags;
  }

  #login(api: RabbitApi): void {
    const where = apiWhere(api.url);
    if (this.apiDown || where !== this.#apiWhere) throw apiUnreachable(where, 'ECONNREFUSED');
    if (!this.accepts(api.username, api.password.reveal())) throw apiRefusedLogin(where, api.username);
    if (!this.#users.get(api.username)?.tags.includes('administrator')) {
      throw new RotorError(
        `the RabbitMQ management API at ${where} answered 403 (not_authorised) to GET /api/users/…`,
        { hint: `${api.username} may not manage users: it needs the administrator tag` },
      );
    }
  }

  async getUser(api: RabbitApi, name: string): Promise<RabbitUser | null> {
    this.#login(api);
    const user = this.#users.get(name);
    return user
      ? {
          name,
          tags: [...user.tags],
          passwordHash: new Secret(user.hash, `password hash of ${name}`),
          hashingAlgorithm: user.algorithm,
        }
      : null;
  }

  async putUser(api: RabbitApi, name: string, update: RabbitUserUpdate): Promise<void> {
    if (!(await this.getUser(api, name))) throw userMissing(name, apiWhere(api.url));
    const stored =
      'password' in update
        ? { hash: rabbitHash(update.password.reveal()), algorithm: ALGORITHM }
        : { hash: update.passwordHash.reveal(), algorithm: update.hashingAlgorithm };
    this.#users.set(name, { tags: [...update.tags], ...stored });
  }

  async changePasswordLocally(name: string, password: Secret): Promise<void> {
    if (!this.#local)
      throw new RotorError('rabbitmqctl is not installed on this machine', {
        hint: 'run rotor beside the broker, or bring the management API back; nothing was changed',
      });
    const user = this.#users.get(name);
    if (!user)
      throw new RotorError(`RabbitMQ user ${name} does not exist on the local node`, {
        hint: 'check the user name (rabbitmqctl list_users); nothing was changed',
      });
    this.#users.set(name, { ...user, hash: rabbitHash(password.reveal()), algorithm: ALGORITHM });
  }

  async amqpLogin(target: AmqpTarget, username: string, password: Secret): Promise<boolean> {
    const url = new URL(target.url);
    const where = `${url.hostname}:${url.port || (url.protocol === 'amqps:' ? 5671 : 5672)}`;
    if (this.amqpDown || where !== this.#amqpWhere) {
      throw new RotorError(`cannot open an AMQP connection to ${where} as ${username}: ECONNREFUSED`, {
        hint: 'is the broker running and listening on that port?',
      });
    }
    return this.accepts(username, password.reveal());
  }
}
