import { gunzipSync, gzipSync } from 'node:zlib';
import { RotorError } from '../errors.js';

/**
 * How a shard entry holds its map (secret path → record): JSON, gzip, base64, in one field. With
 * 10,000 policies the 32 entries `rotor due` reads shrink from about 7 MiB to a few hundred KiB,
 * which is most of its time, and each stays far below Vault's entry limits. `vault kv get` shows
 * only the count; `rotor policy list --json` shows the records.
 */
export const SHARD_ENCODING = 'gzip+base64';

/** Gzip + base64 of a value's JSON. */
function pack(value: unknown): string {
  return gzipSync(JSON.stringify(value)).toString('base64');
}

/**
 * A shard entry: `entries` holds the map; `extra` fields hold smaller views of it that readers
 * in a hurry decode instead (see HistoryStore.lastRotations).
 */
export function encodeShard(
  map: Readonly<Record<string, unknown>>,
  extra: Readonly<Record<string, unknown>> = {},
): Record<string, string> {
  const data: Record<string, string> = {
    encoding: SHARD_ENCODING,
    count: String(Object.keys(map).length),
    entries: pack(map),
  };
  for (const [field, value] of Object.entries(extra)) data[field] = pack(value);
  return data;
}

/**
 * The map of a shard entry (or the view in `field`); an empty (never written) entry is an empty
 * map, and so is a missing view.
 */
export function decodeShard(
  data: Readonly<Record<string, unknown>>,
  where: string,
  field = 'entries',
): Record<string, unknown> {
  if (Object.keys(data).length === 0) return {};
  if (data.encoding !== SHARD_ENCODING || typeof data.entries !== 'string') {
    throw new RotorError(`${where} is not a rotor shard entry (encoding ${String(data.encoding)})`, {
      hint: 'it was written by something else: move it away, or give rotor its own ROTOR_STORE_PREFIX',
    });
  }
  const packed = data[field];
  if (packed === undefined) return {};
  try {
    return JSON.parse(gunzipSync(Buffer.from(String(packed), 'base64')).toString('utf8')) as Record<
      string,
      unknown
    >;
  } catch {
    throw new RotorError(`${where} cannot be read: its ${field} are not gzip-compressed JSON`, {
      hint: 'restore an earlier version (vault kv rollback) or remove it',
    });
  }
}
