import { reveal, type Secret } from '../engine/secret.js';
import { UsageError } from '../errors.js';
import { parseK8sAddress } from '../k8s-address/k8s-address.js';

/** The non-secret parts of a connection URL: enough to say where, never the password. */
export interface PostgresLocation {
  host: string;
  port: number;
  user: string;
  database: string;
  /** `host:port` */
  where: string;
}

/** Reads host, port, user and database out of a `postgres://` URL; refuses anything else. */
export function postgresLocation(url: Secret | string): PostgresLocation {
  // k8s://user:pw@<namespace>/<pod|svc>/<name>:<port>/<database>: reached through a port-forward.
  const cluster = parseK8sAddress(reveal(url));
  if (cluster) {
    const user = decodeURIComponent(cluster.userinfo.replace(/@$/, '').split(':')[0] ?? '');
    const database =
      decodeURIComponent(cluster.rest.replace(/[?#].*$/, '').replace(/^\//, '')) || user || 'postgres';
    return { host: cluster.address, port: cluster.port, user, database, where: cluster.address };
  }
  let parsed: URL;
  try {
    parsed = new URL(reveal(url));
  } catch {
    throw new UsageError(
      'the PostgreSQL URL is not a URL',
      'write it as postgres://user:password@host:5432/database',
    );
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new UsageError(
      `the PostgreSQL URL starts with ${parsed.protocol}//, expected postgres://`,
      'write it as postgres://user:password@host:5432/database',
    );
  }
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1') || 'localhost';
  const port = parsed.port ? Number(parsed.port) : 5432;
  const user = decodeURIComponent(parsed.username);
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || user || 'postgres';
  return { host, port, user, database, where: `${parsed.hostname || 'localhost'}:${port}` };
}
