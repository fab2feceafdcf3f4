import { parseK8sAddress } from '../../k8s-address/k8s-address.js';
import { z } from 'zod';
import type { Secret } from '../../engine/secret.js';
import { RabbitApiUnreachable, type RabbitApi } from '../../ports/rabbitmq-port.js';
import { asSecret, secretParam } from '../secret-param.js';
import type { ActionContext } from '../types.js';

/** The management API and its admin login, taken by every changing rabbitmq action. */
export const apiParams = {
  /** `http://host:15672` */
  api_url: z.string().url(),
  admin_username: z.string().min(1),
  admin_password: secretParam,
  timeout_ms: z.coerce.number().int().positive().default(10_000),
};

export function rabbitApi(
  p: { api_url: string; admin_username: string; admin_password: string | Secret; timeout_ms: number },
  ctx: ActionContext,
): RabbitApi {
  return {
    url: p.api_url,
    username: p.admin_username,
    password: asSecret(p.admin_password, 'rabbitmq admin password', ctx),
    timeoutMs: p.timeout_ms,
    signal: ctx.signal,
  };
}

/** `host:port` of a URL, for messages. */
export function hostPort(url: string): string {
  const cluster = parseK8sAddress(url);
  if (cluster) return cluster.address;
  try {
    return new URL(url).host;
  } catch {
    return '(invalid URL)';
  }
}

/** 127.0.0.0/8 written as an IP literal (the URL parser has already turned 127.1 or 0x7f.0.0.1 into this form). */
function loopbackIPv4(host: string): boolean {
  const parts = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  return parts !== null && parts.slice(1).every((n) => Number(n) <= 255);
}

/**
 * rabbitmqctl talks to the node on this machine, so falling back to it is only right when the
 * API URL points here too; otherwise rotor would change a different broker than the one named.
 * Only an exact loopback counts: a name such as 127.attacker.example resolves wherever its owner says.
 */
export function besideTheBroker(apiUrl: string): boolean {
  try {
    const host = new URL(apiUrl).hostname.replace(/^\[(.*)\]$/, '$1');
    return host === 'localhost' || host === '::1' || loopbackIPv4(host);
  } catch {
    return false;
  }
}

/** Whether an error means "the API is not there" (try rabbitmqctl) rather than "it said no". */
export function isUnreachable(error: unknown): error is RabbitApiUnreachable {
  return error instanceof RabbitApiUnreachable;
}

export { asSecret, secretParam };
