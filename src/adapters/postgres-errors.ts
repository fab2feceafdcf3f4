import { RotorError } from '../errors.js';

/**
 * Turns what pg throws into an error an operator can act on. Server messages can echo parts of a
 * statement, so only the SQLSTATE and a scrubbed message ever reach the operator, and the raw
 * error is not kept as `cause` (a journal serialising causes would copy it).
 */

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNRESET',
]);

/** Removes quoted literals and anything shaped like a verifier from a server message. */
export function scrubPgMessage(message: string): string {
  return message
    .replace(/'(?:[^']|'')*'/g, "'…'")
    .replace(/SCRAM-SHA-256\$\S+/g, 'SCRAM-SHA-256$…')
    .replace(/md5[0-9a-f]{32}/g, 'md5…');
}

/** What was being done when the error happened, for the message. */
export interface PgErrorContext {
  where: string;
  /** The role rotor logged in as. */
  user: string;
  /** "reading the verifier of role harmonyflow" */
  doing: string;
}

export function pgError(error: unknown, context: PgErrorContext): RotorError {
  if (error instanceof RotorError) return error;
  const err = error as { code?: string; message?: string };
  const code = err.code ?? '';
  const message = err.message ?? String(error);
  const { where, user, doing } = context;
  if (NETWORK_CODES.has(code)) {
    return new RotorError(`cannot reach PostgreSQL at ${where} (${code}) while ${doing}`, {
      hint: 'check that the server is up, and the host and port in the URL; nothing was changed',
    });
  }
  if (/timeout/i.test(message) && !code) {
    return new RotorError(`PostgreSQL at ${where} did not answer in time while ${doing}`, {
      hint: 'check the network path and the server load, or raise timeout_ms',
    });
  }
  if (code === '28P01' || code === '28000') {
    return new RotorError(`PostgreSQL at ${where} refused the login as ${user} while ${doing}`, {
      hint: 'check the credential in the admin URL (is it the current one?); nothing was changed',
    });
  }
  if (code === '3D000') {
    return new RotorError(`PostgreSQL at ${where}: the database in the URL does not exist (${doing})`, {
      hint: 'put an existing database in the URL path, e.g. /postgres',
    });
  }
  if (code === '42501') {
    return new RotorError(`${user} on ${where} lacks the privilege for ${doing}`, {
      hint: 'use a superuser (or a role with CREATEROLE that may read pg_authid) in the admin URL',
    });
  }
  return new RotorError(
    `PostgreSQL at ${where} failed while ${doing}: ${code ? `SQLSTATE ${code}: ` : ''}${scrubPgMessage(message)}`,
    {
      hint: 'see the server log for details',
      cause: error,
    },
  );
}
