import { UsageError } from '../errors.js';

/**
 * A target reached through the Kubernetes API's port-forward instead of dialled directly:
 * `k8s://<namespace>/pod/<name>:<port>` or `k8s://<namespace>/svc/<name>:<port>`. In a URL input
 * the same address takes the place of scheme and host, keeping any credential and the rest:
 * `k8s://admin:pw@postgresql/svc/postgresql:5432/postgres?sslmode=disable`; the step's system
 * decides the protocol spoken over it.
 */
export interface K8sAddress {
  namespace: string;
  kind: 'pod' | 'svc';
  name: string;
  port: number;
  /** `k8s://<namespace>/<kind>/<name>:<port>`, with no credential: safe for messages and keys. */
  address: string;
  /** `user:password@` as written (percent-encoded), or ''. */
  userinfo: string;
  /** The path and query after the port, as written (`/db?sslmode=require`), or ''. */
  rest: string;
}

const PREFIX = /^k8s:\/\//i;
// A namespace is a DNS label; a pod or service name is a DNS subdomain (RFC 1123), as the API checks.
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const SHAPE = /^k8s:\/\/(?:([^@/]*)@)?([^/]+)\/(pod|svc)\/([^/:?#]+):([0-9]{1,5})((?:[/?][^#]*)?)$/i;

/** Whether the text is meant as a cluster address (it may still be malformed). */
export function isK8sAddress(text: string): boolean {
  return PREFIX.test(text.trim());
}

/**
 * Parses a cluster address; undefined when the text is not one. A malformed one is refused with
 * the form to use (exit 2); the credential part is never quoted.
 */
export function parseK8sAddress(text: string): K8sAddress | undefined {
  const trimmed = text.trim();
  if (!PREFIX.test(trimmed)) return undefined;
  const match = SHAPE.exec(trimmed);
  const shown = trimmed.replace(/^(k8s:\/\/)[^@/]*@/i, '$1');
  const form = 'k8s://<namespace>/pod/<name>:<port> or k8s://<namespace>/svc/<name>:<port>';
  if (!match) throw new UsageError(`${shown} is not a cluster address`, `write it as ${form}`);
  const [, userinfo, namespace, kind, name, portText, rest] = match;
  const port = Number(portText);
  if (!LABEL.test(namespace) || namespace.length > 63)
    throw new UsageError(`${shown}: "${namespace}" is not a namespace name`, `write it as ${form}`);
  if (!SUBDOMAIN.test(name) || name.length > 253)
    throw new UsageError(
      `${shown}: "${name}" is not a ${kind === 'pod' ? 'pod' : 'service'} name`,
      `write it as ${form}`,
    );
  if (port < 1 || port > 65535)
    throw new UsageError(`${shown}: port ${port} is out of range`, 'a port is 1-65535');
  const k = kind.toLowerCase() as 'pod' | 'svc';
  return {
    namespace,
    kind: k,
    name,
    port,
    address: `k8s://${namespace}/${k}/${name}:${port}`,
    userinfo: userinfo === undefined ? '' : `${userinfo}@`,
    rest,
  };
}

/** The URL a client dials once the address has a local end: same credential and rest, this scheme. */
export function localUrl(target: K8sAddress, scheme: string, hostPort: string): string {
  return `${scheme}://${target.userinfo}${hostPort}${target.rest}`;
}
