import type { Secret } from '../engine/secret.js';
import { RotorError } from '../errors.js';

/** The management HTTP API and the admin credential to use it with. */
export interface RabbitApi {
  /** `http://host:15672` */
  url: string;
  username: string;
  password: Secret;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** A user as the management API shows it. The hash is kept so undo can put it back unchanged. */
export interface RabbitUser {
  name: string;
  tags: string[];
  passwordHash: Secret;
  hashingAlgorithm: string;
}

/** What PUT /api/users/{name} sends: a password, or a stored hash (undo). Tags always, or the user loses them. */
export type RabbitUserUpdate =
  { tags: string[]; password: Secret } | { tags: string[]; passwordHash: Secret; hashingAlgorithm: string };

/** Where to open an AMQP connection: `amqp://host:5672/vhost`, without credentials. */
export interface AmqpTarget {
  url: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** The management API could not be reached at all (as opposed to answering an error). */
export class RabbitApiUnreachable extends RotorError {}

/** What rabbitmq actions need; implemented in src/adapters and by the sandbox. */
export interface RabbitPort {
  /** GET /api/users/{name}; null when there is no such user. */
  getUser(api: RabbitApi, name: string): Promise<RabbitUser | null>;
  /** PUT /api/users/{name}; the user must exist (rotor never creates one by accident). */
  putUser(api: RabbitApi, name: string, update: RabbitUserUpdate): Promise<void>;
  /**
   * `rabbitmqctl change_password <name>` on this machine with the password on stdin, never in
   * argv; for when rotor runs beside the broker and the API is down.
   */
  changePasswordLocally(
    name: string,
    password: Secret,
    options: { timeoutMs: number; signal?: AbortSignal },
  ): Promise<void>;
  /** Opens (and closes) an AMQP connection: true when the broker accepts the login, false when it refuses it. */
  amqpLogin(target: AmqpTarget, username: string, password: Secret): Promise<boolean>;
}
