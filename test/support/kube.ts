import {
  startKubeEmulator,
  type KubeEmulator,
  type KubeEmulatorOptions,
} from '../../src/sandbox/kubernetes/index.js';

/** An in-memory stand-in for Vault's KV v2, with the signature the emulator's ExternalSecrets read through. */
export class FakeVault {
  readonly secrets = new Map<string, { data: Record<string, string>; version: number }>();
  reads = 0;

  constructor(initial: Record<string, Record<string, string>> = {}) {
    for (const [path, data] of Object.entries(initial)) this.write(path, data);
  }

  write(path: string, data: Record<string, string>): void {
    const version = (this.secrets.get(path)?.version ?? 0) + 1;
    this.secrets.set(path, { data: { ...data }, version });
  }

  read = async (path: string) => {
    this.reads++;
    const found = this.secrets.get(path);
    return found ? { data: { ...found.data }, version: found.version } : null;
  };
}

/** The guide's Vault paths with throwaway values. */
export function guideVault(): FakeVault {
  return new FakeVault({
    'harmonyflow/session-state-service': {
      'jwt-secret': 'j1',
      'jwt-refresh-secret': 'r1',
      'api-key': 'k1',
      'encryption-key': 'e1',
    },
    'harmonyflow/postgresql': { username: 'harmonyflow', password: 'p1' },
    'harmonyflow/redis': { password: 'redis1' },
    'harmonyflow/rabbitmq': { username: 'harmonyflow', password: 'mq1' },
    'harmonyflow/admin': { token: 'admin1' },
    'harmonyflow/tls': { 'tls.crt': 'cert1', 'tls.key': 'key1' },
  });
}

/** Starts an emulator with fast timings for tests. */
export function startTestKube(
  vault: FakeVault,
  options: Partial<KubeEmulatorOptions> = {},
): Promise<KubeEmulator> {
  return startKubeEmulator({ readSecret: vault.read, readinessDelayMs: 15, syncRetryMs: 30, ...options });
}

/** Polls until the check returns a value, or fails with what it last saw. */
export async function eventually<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 10_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > until)
      throw new Error(
        `timed out waiting for ${what}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`,
      );
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** fetch with the emulator's token; the emulator's CA is trusted through NODE_EXTRA_CA_CERTS-free undici options. */
export async function api(
  emulator: KubeEmulator,
  path: string,
  init: { method?: string; body?: unknown; contentType?: string; token?: string | null } = {},
): Promise<{
  status: number;
  body: any;
  text: string;
  headers: Record<string, string | string[] | undefined>;
}> {
  const { request } = await import('node:https');
  const url = new URL(path, emulator.url);
  const payload =
    init.body === undefined
      ? undefined
      : typeof init.body === 'string'
        ? init.body
        : JSON.stringify(init.body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: init.method ?? 'GET',
        ca: emulator.caPem,
        headers: {
          ...(init.token === null ? {} : { authorization: `Bearer ${init.token ?? emulator.token}` }),
          ...(payload !== undefined
            ? {
                'content-type': init.contentType ?? 'application/json',
                'content-length': String(Buffer.byteLength(payload)),
              }
            : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (text += c));
        res.on('end', () => {
          let body: unknown;
          try {
            body = JSON.parse(text);
          } catch {
            body = undefined;
          }
          resolve({ status: res.statusCode ?? 0, body, text, headers: res.headers });
        });
      },
    );
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}
