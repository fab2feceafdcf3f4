import { RotorError } from '../errors.js';
import type { Secret } from '../engine/secret.js';

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNRESET',
]);

/**
 * A server reply without anything secret in it. Redis 7 quotes the arguments of an unknown or
 * renamed command ("with args beginning with: 'SET' 'requirepass' '<password>'"), so those are
 * cut off, and any password rotor sent is masked in case another reply echoes it.
 */
export function scrubRedisMessage(message: string, secrets: readonly Secret[]): string {
  let out = message.replace(/,?\s*with args beginning with:.*$/s, '');
  for (const secret of secrets) {
    const value = secret.reveal();
    if (value) out = out.split(value).join('••••••');
  }
  return out.trim();
}

/** Whether the failure is about reaching the node rather than what it answered. */
export function isNetworkError(error: unknown): boolean {
  const err = error as { code?: string; message?: string };
  return (
    NETWORK_CODES.has(err.code ?? '') ||
    /Connection is closed|connect ETIMEDOUT|Command timed out/i.test(err.message ?? '')
  );
}

const AUTH_REFUSAL = /^(WRONGPASS|NOAUTH|ERR invalid password|ERR AUTH)/;

/** Whether the server refused the credential (as opposed to failing otherwise). */
export function isAuthRefusal(error: unknown): boolean {
  return AUTH_REFUSAL.test((error as { message?: string }).message ?? '');
}

/** A RotorError naming the node, what rotor was doing, and what to do about it. */
export function redisError(
  error: unknown,
  where: string,
  doing: string,
  secrets: readonly Secret[],
): RotorError {
  if (error instanceof RotorError) return error;
  const err = error as { code?: string; message?: string };
  const message = scrubRedisMessage(err.message ?? String(error), secrets);
  if (NETWORK_CODES.has(err.code ?? '')) {
    return new RotorError(`cannot reach Redis at ${where} (${err.code}) while ${doing}`, {
      hint: 'check that the node is up and the host:port in the node list',
    });
  }
  if (AUTH_REFUSAL.test(message)) {
    return new RotorError(`Redis at ${where} refused rotor's credential while ${doing}`, {
      hint: 'check auth_username / auth_password: are they the credential the node holds now?',
    });
  }
  if (/^NOPERM/.test(message)) {
    return new RotorError(`Redis at ${where}: rotor's user may not run this (${doing})`, {
      hint: 'log in as a user allowed CONFIG and ACL commands (auth_username), e.g. one with +@admin',
    });
  }
  if (/unknown command/i.test(message)) {
    return new RotorError(`Redis at ${where} does not know the command while ${doing} (${message})`, {
      hint: 'the command is disabled or renamed on this node (rename-command in its config); change the node by hand or allow the command',
    });
  }
  return new RotorError(`Redis at ${where} failed while ${doing}: ${message}`, {
    hint: "see the node's log",
  });
}
