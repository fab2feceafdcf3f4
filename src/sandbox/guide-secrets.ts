import { randomBytes } from 'node:crypto';

/** Where the sandbox's stand-in data stores answer; anything else goes to a real server. */
export const SANDBOX_HOSTS = {
  postgres: 'postgresql-primary.postgresql.sandbox:5432',
  redisNodes: Array.from({ length: 6 }, (_, i) => `redis-cluster-${i}.redis-production.sandbox:6379`),
  rabbitApi: 'http://rabbitmq-server.rabbitmq-production.sandbox:15672',
  rabbitAmqp: 'amqp://rabbitmq-server.rabbitmq-production.sandbox:5672',
};

const b64 = (bytes: number) => randomBytes(bytes).toString('base64');
const jwtLike = () => b64(32).replace(/[=+/]/g, '').slice(0, 32);

/** The guide's secrets, fresh for every drill: Vault KV data by path, plus the admins' own credentials. */
export interface GuideSecrets {
  kv: Record<string, Record<string, string>>;
  postgresSuperuserPassword: string;
  /** The second login role of the alternating-users rotation (harmonyflow_b), idle at first. */
  postgresAlternatePassword: string;
  rabbitAdminPassword: string;
}

export function guideSecrets(): GuideSecrets {
  const pgHost = SANDBOX_HOSTS.postgres.split(':')[0];
  return {
    kv: {
      'harmonyflow/session-state-service': {
        'jwt-secret': jwtLike(),
        'jwt-refresh-secret': jwtLike(),
        'api-key': randomBytes(32).toString('hex'),
      },
      'harmonyflow/postgresql': {
        username: 'harmonyflow',
        password: b64(32),
        host: pgHost,
        port: '5432',
        database: 'harmonyflow',
      },
      'harmonyflow/redis': { password: b64(32) },
      'harmonyflow/rabbitmq': { username: 'harmonyflow', password: b64(32) },
      'harmonyflow/admin': { 'api-token': jwtLike() },
      'harmonyflow/iot-api-key': { 'api-key': randomBytes(24).toString('hex') },
    },
    postgresSuperuserPassword: b64(24),
    postgresAlternatePassword: b64(32),
    rabbitAdminPassword: b64(24),
  };
}
