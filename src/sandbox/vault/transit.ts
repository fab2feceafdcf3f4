import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { badRequest, noContent, notFound, ok } from './envelope.js';
import { boolField, intField } from './fields.js';
import { route, type Mount, type VaultRequest } from './routes.js';

/** A transit key: aes256-gcm96 versions, the key material base64, creation in unix seconds. */
export interface TransitKey {
  latestVersion: number;
  minDecryptionVersion: number;
  minEncryptionVersion: number;
  deletionAllowed: boolean;
  versions: Record<string, { key: string; time: number }>;
}

function keyInfo(name: string, k: TransitKey): Record<string, unknown> {
  return {
    allow_plaintext_backup: false,
    auto_rotate_period: 0,
    deletion_allowed: k.deletionAllowed,
    derived: false,
    exportable: false,
    imported_key: false,
    keys: Object.fromEntries(Object.entries(k.versions).map(([n, v]) => [n, v.time])),
    latest_version: k.latestVersion,
    min_available_version: 0,
    min_decryption_version: k.minDecryptionVersion,
    min_encryption_version: k.minEncryptionVersion,
    name,
    supports_decryption: true,
    supports_derivation: true,
    supports_encryption: true,
    supports_signing: false,
    type: 'aes256-gcm96',
  };
}

/** The transit engine: named AES-GCM keys with versions; ciphertext is `vault:vN:<base64>`. */
export function transitMount(keys: Map<string, TransitKey>, now: () => number, changed: () => void): Mount {
  const addVersion = (k: TransitKey) => {
    k.latestVersion += 1;
    k.versions[k.latestVersion] = { key: randomBytes(32).toString('base64'), time: Math.floor(now() / 1000) };
  };
  const create = (name: string): TransitKey => {
    const k: TransitKey = {
      latestVersion: 0,
      minDecryptionVersion: 1,
      minEncryptionVersion: 0,
      deletionAllowed: false,
      versions: {},
    };
    addVersion(k);
    keys.set(name, k);
    return k;
  };
  const encrypt = (k: TransitKey, plaintext: Buffer, version?: number) => {
    const n = version || k.latestVersion;
    if (n > k.latestVersion || n < Math.max(k.minEncryptionVersion, 1))
      throw badRequest('requested version for encryption is not valid');
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', Buffer.from(k.versions[n].key, 'base64'), nonce);
    const body = Buffer.concat([nonce, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
    return { ciphertext: `vault:v${n}:${body.toString('base64')}`, key_version: n };
  };
  const decrypt = (k: TransitKey, ciphertext: unknown): Buffer => {
    if (typeof ciphertext !== 'string' || ciphertext === '')
      throw badRequest('missing ciphertext to decrypt');
    const m = /^vault:v(\d+):(.+)$/.exec(ciphertext);
    if (!ciphertext.startsWith('vault:')) throw badRequest('invalid ciphertext: no prefix');
    if (!m) throw badRequest('invalid ciphertext: wrong number of fields');
    const n = Number(m[1]);
    if (n < k.minDecryptionVersion)
      throw badRequest('ciphertext or signature version is disallowed by policy (too old)');
    const version = k.versions[n];
    if (!version) throw badRequest('invalid key version');
    const raw = Buffer.from(m[2], 'base64');
    if (raw.length < 28) throw badRequest('invalid ciphertext: ciphertext too short');
    try {
      const decipher = createDecipheriv(
        'aes-256-gcm',
        Buffer.from(version.key, 'base64'),
        raw.subarray(0, 12),
      );
      decipher.setAuthTag(raw.subarray(raw.length - 16));
      return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]);
    } catch {
      throw badRequest('cipher: message authentication failed');
    }
  };
  const existing = (name: string, message = 'encryption key not found') => {
    const k = keys.get(name);
    if (!k) throw badRequest(message);
    return k;
  };
  const base64 = (value: unknown): Buffer => {
    if (typeof value !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(value) || value.length % 4 !== 0)
      throw badRequest('failed to base64-decode plaintext');
    return Buffer.from(value, 'base64');
  };
  const name = '(?<name>[^/]+)';
  return {
    path: 'transit/',
    type: 'transit',
    routes: [
      route('keys/', {
        list: () => {
          if (keys.size === 0) throw notFound();
          return ok({ keys: [...keys.keys()].sort() });
        },
      }),
      route(`keys/${name}`, {
        read: (_req, p) => {
          const k = keys.get(p.name);
          if (!k) throw notFound();
          return ok(keyInfo(p.name, k));
        },
        update: (req, p) => {
          const type = req.body.type ?? 'aes256-gcm96';
          if (type !== 'aes256-gcm96') throw badRequest(`unknown key type: ${String(type)}`);
          if (!keys.has(p.name)) create(p.name);
          changed();
          return noContent();
        },
        delete: (_req, p) => {
          const k = keys.get(p.name);
          if (k && !k.deletionAllowed) throw badRequest('deletion is not allowed for this key');
          keys.delete(p.name);
          changed();
          return noContent();
        },
      }),
      route(`keys/${name}/rotate`, {
        update: (_req, p) => {
          const k = existing(p.name, 'key not found');
          addVersion(k);
          changed();
          return ok(keyInfo(p.name, k));
        },
      }),
      route(`keys/${name}/config`, {
        update: (req: VaultRequest, p) => {
          const k = existing(p.name, 'no existing key named ' + p.name + ' could be found');
          const { key, warning } = configuredKey(k, req.body);
          keys.set(p.name, key);
          changed();
          return ok(keyInfo(p.name, key), warning ? { warnings: [warning] } : undefined);
        },
      }),
      route(`encrypt/${name}`, {
        update: (req, p) => {
          if (req.body.plaintext === undefined) throw badRequest('missing plaintext to encrypt');
          const plaintext = base64(req.body.plaintext);
          const k = keys.get(p.name) ?? create(p.name);
          changed();
          return ok(encrypt(k, plaintext, intField(req.body.key_version, 'key_version')));
        },
      }),
      route(`decrypt/${name}`, {
        update: (req, p) =>
          ok({ plaintext: decrypt(existing(p.name), req.body.ciphertext).toString('base64') }),
      }),
      route(`rewrap/${name}`, {
        update: (req, p) => {
          const k = existing(p.name);
          return ok(
            encrypt(k, decrypt(k, req.body.ciphertext), intField(req.body.key_version, 'key_version')),
          );
        },
      }),
    ],
  };
}

/**
 * The key's new settings as builtin/logical/transit/path_keys_config.go decides them: each
 * minimum is checked against the latest version only when it changes, then the pair against each
 * other; any refusal leaves the key as it was (the handler works on a copy).
 */
function configuredKey(k: TransitKey, body: Record<string, unknown>): { key: TransitKey; warning?: string } {
  const next = { ...k };
  let warning: string | undefined;
  let minDecryption = intField(body.min_decryption_version, 'min_decryption_version');
  if (minDecryption !== undefined) {
    if (minDecryption < 0) throw badRequest('min decryption version cannot be negative');
    if (minDecryption === 0) {
      minDecryption = 1;
      warning = 'since Vault 0.3, transit key numbering starts at 1; forcing minimum to 1';
    }
    if (minDecryption !== next.minDecryptionVersion) {
      if (minDecryption > next.latestVersion)
        throw badRequest(
          `cannot set min decryption version of ${minDecryption}, latest key version is ${next.latestVersion}`,
        );
      next.minDecryptionVersion = minDecryption;
    }
  }
  const minEncryption = intField(body.min_encryption_version, 'min_encryption_version');
  if (minEncryption !== undefined) {
    if (minEncryption < 0) throw badRequest('min encryption version cannot be negative');
    if (minEncryption !== next.minEncryptionVersion) {
      if (minEncryption > next.latestVersion)
        throw badRequest(
          `cannot set min encryption version of ${minEncryption}, latest key version is ${next.latestVersion}`,
        );
      next.minEncryptionVersion = minEncryption;
    }
  }
  if (next.minEncryptionVersion > 0 && next.minEncryptionVersion < next.minDecryptionVersion)
    throw badRequest(
      `cannot set min encryption/decryption values; min encryption version of ${next.minEncryptionVersion} must be greater than or equal to min decryption version of ${next.minDecryptionVersion}`,
    );
  next.deletionAllowed = boolField(body.deletion_allowed, 'deletion_allowed') ?? next.deletionAllowed;
  return { key: next, warning };
}
