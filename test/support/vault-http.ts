/** One raw HTTP exchange with the emulator, as curl would see it (no client library in between). */
export interface RawAnswer {
  status: number;
  /** Parsed JSON, the text when it is not JSON, or undefined when there is no body. */
  body: any;
  text: string;
  contentType: string | null;
}

export interface RawOptions {
  token?: string;
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
}

/** Calls `<base>/v1/<path>` with fetch; JSON bodies by default. */
export async function raw(
  base: string,
  method: string,
  path: string,
  options: RawOptions = {},
): Promise<RawAnswer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers['X-Vault-Token'] = options.token;
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    headers['Content-Type'] = options.contentType ?? 'application/json';
  } else if (options.contentType) headers['Content-Type'] = options.contentType;
  const res = await fetch(`${base}/v1/${path}`, { method, headers, body });
  const text = await res.text();
  let parsed: unknown;
  if (text !== '') {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  return { status: res.status, body: parsed, text, contentType: res.headers.get('content-type') };
}

/** The exact key set of Vault's success envelope. */
export const ENVELOPE_KEYS = [
  'auth',
  'data',
  'lease_duration',
  'lease_id',
  'renewable',
  'request_id',
  'warnings',
  'wrap_info',
];

export const INVALID_TOKEN_BODY = {
  errors: ['2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n'],
};
export const PERMISSION_DENIED_BODY = { errors: ['1 error occurred:\n\t* permission denied\n\n'] };
