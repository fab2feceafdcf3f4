import { randomUUID } from 'node:crypto';

/** What a route handler answers: a status and a JSON body, or no body at all (204, bare 404). */
export interface Reply {
  status: number;
  body?: unknown;
  /** A non-JSON answer (the CA certificate as PEM). */
  raw?: { contentType: string; text: string };
}

/** Extra top-level envelope fields some answers carry (leases, logins). */
export interface EnvelopeExtra {
  lease_id?: string;
  renewable?: boolean;
  lease_duration?: number;
  auth?: unknown;
  warnings?: string[] | null;
}

/** The success envelope every Vault answer with data uses. */
export function envelope(data: unknown, extra: EnvelopeExtra = {}): Record<string, unknown> {
  return {
    request_id: randomUUID(),
    lease_id: extra.lease_id ?? '',
    renewable: extra.renewable ?? false,
    lease_duration: extra.lease_duration ?? 0,
    data,
    wrap_info: null,
    warnings: extra.warnings ?? null,
    auth: extra.auth ?? null,
  };
}

export function ok(data: unknown, extra?: EnvelopeExtra): Reply {
  return { status: 200, body: envelope(data, extra) };
}

export const noContent = (): Reply => ({ status: 204 });

/**
 * Formats messages as hashicorp/go-multierror does; Vault wraps most handler errors this way,
 * and clients (and operators' grep) see exactly this text.
 */
export function multierror(messages: string[]): string {
  const n = messages.length;
  return `${n} error${n === 1 ? '' : 's'} occurred:\n${messages.map((m) => `\t* ${m}`).join('\n')}\n\n`;
}

/** Thrown by handlers to answer with `{"errors":[…]}` (or with `body` when given, or no body). */
export class VaultHttpError extends Error {
  constructor(
    readonly status: number,
    readonly errors: string[],
    /** Replaces the `{errors}` body: `null` means no body at all (PATCH of a missing path). */
    readonly body?: unknown,
  ) {
    super(errors.join('; ') || `status ${status}`);
  }

  reply(): Reply {
    if (this.body === null) return { status: this.status };
    return { status: this.status, body: this.body ?? { errors: this.errors } };
  }
}

/** 400 with one plain message, as `logical.ErrorResponse` produces. */
export const badRequest = (message: string): VaultHttpError => new VaultHttpError(400, [message]);

/** A plain not-found: 404 `{"errors":[]}`. */
export const notFound = (): VaultHttpError => new VaultHttpError(404, []);

export const PERMISSION_DENIED = multierror(['permission denied']);
export const INVALID_TOKEN = multierror(['permission denied', 'invalid token']);
export const SEALED = 'Vault is sealed';
