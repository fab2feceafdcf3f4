import { UsageError } from '../errors.js';
import { isK8sAddress, parseK8sAddress } from '../k8s-address/k8s-address.js';

/**
 * What a `--env sandbox` session may dial: the sandbox's in-process stand-ins (`*.sandbox` hosts,
 * which never leave the process) and the servers its world started, by the exact host:port they
 * listen on. Judged by the address, never by which input or runbook named it: a drill that
 * reaches a real server by accident is the harm this prevents.
 */
export interface SandboxTargets {
  /**
   * host:port of every server the world started (Vault and Kubernetes emulators,
   * session-state-service, and the loopback bridges of port-forwards into its own cluster).
   */
  listening: string[];
  /** `--allow-real-targets`: the operator means to include real servers in this drill. */
  allowReal: boolean;
}

/** The flag that lets a drill dial a real server on purpose. */
export const ALLOW_REAL_TARGETS = '--allow-real-targets';

const DEFAULT_PORTS: Record<string, string> = {
  'http:': '80',
  'https:': '443',
  'postgres:': '5432',
  'postgresql:': '5432',
  'redis:': '6379',
  'rediss:': '6379',
  'amqp:': '5672',
  'amqps:': '5671',
};
const POSTGRES = new Set(['postgres:', 'postgresql:']);
// A host is a name or an IPv4 address (a letter or a dot in it: "12:30" is a time, not a node) or [IPv6].
const NODE = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_-]*[A-Za-z._][A-Za-z0-9_.-]*):(\d{1,5})$/;

/**
 * The host:port a value dials, when it names one: a URL of a scheme rotor connects with
 * (credentials dropped, default port spelled out) or a `host:port` node. Anything else (a role, a
 * Vault path) is not an address.
 */
export function dialledAddress(text: string, options: { urlsOnly?: boolean } = {}): string | undefined {
  const trimmed = text.trim();
  // A cluster address is judged as itself (no credential): it names a pod, not a host.
  if (isK8sAddress(trimmed)) return trimmed.includes(',') ? undefined : parseK8sAddress(trimmed)?.address;
  const node = options.urlsOnly ? null : NODE.exec(trimmed);
  if (node) return `${node[1].toLowerCase()}:${Number(node[2])}`;
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) return undefined;
  try {
    const url = new URL(trimmed);
    // The PostgreSQL client lets `?host=` and `?port=` override the URL's authority (the last one
    // given wins): what it dials is those, so they are what is judged.
    const query = POSTGRES.has(url.protocol) ? url.searchParams : undefined;
    const host = query?.getAll('host').at(-1) || url.hostname;
    const port = query?.getAll('port').at(-1) || url.port || DEFAULT_PORTS[url.protocol];
    if (!port || !host) return undefined;
    return `${host.toLowerCase()}:${Number(port)}`;
  } catch {
    return undefined;
  }
}

/**
 * Every address in a value: one, or several in a comma-separated list of nodes. A secret value
 * counts only as a URL, whose host:port may be shown: a password such as "admin:2024" reads like
 * a node, and quoting it in a refusal would print part of it.
 */
export function dialledAddresses(text: string, options: { secret?: boolean } = {}): string[] {
  const one = dialledAddress(text, { urlsOnly: options.secret });
  if (one) return [one];
  if (options.secret || !text.includes(',')) return [];
  const parts = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const found = parts.map((part) => dialledAddress(part));
  return found.every((a): a is string => a !== undefined) ? found : [];
}

/** The `*.sandbox` hosts are answered by in-process stand-ins: nothing is dialled. */
function isStandinHost(address: string): boolean {
  const host = address.replace(/:\d+$/, '');
  return host.endsWith('.sandbox');
}

/** Whether a sandbox session may dial this host:port. */
export function isSandboxTarget(address: string, targets: SandboxTargets): boolean {
  // A sandbox session's only Kubernetes is the sandbox's own emulator: a k8s:// target is inside it.
  if (isK8sAddress(address)) return true;
  return targets.allowReal || isStandinHost(address) || targets.listening.includes(address);
}

/**
 * Refuses an address outside the sandbox: `what` names where it came from (an input, a step's
 * parameter, or a system such as "PostgreSQL"). Exit 2: nothing has changed when it is asked.
 */
export function guardTarget(
  targets: SandboxTargets,
  what: string,
  address: string,
  options: { input?: string } = {},
): void {
  if (isSandboxTarget(address, targets)) return;
  const own = options.input ? `leave ${options.input} unset to use the sandbox's own, or ` : '';
  throw new UsageError(
    `--env sandbox: ${what} dials ${address}, which is not one of the sandbox's stand-ins or emulators`,
    `${own}pass ${ALLOW_REAL_TARGETS} to include that real server in the drill on purpose`,
  );
}

/** host:port of a server URL the world started, as `dialledAddress` spells it. */
export function listeningAddress(url: string): string {
  const address = dialledAddress(url);
  if (!address) throw new Error(`not a server URL: ${url}`);
  return address;
}
