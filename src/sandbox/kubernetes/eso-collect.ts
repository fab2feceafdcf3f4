import type { ReadSecret } from './external-secrets.js';

type Obj = Record<string, any>;

/** The Ready condition's messages, as the controller's constants word them. */
export const MSG_SYNCED = 'secret synced';
export const MSG_GET_DATA = 'could not get secret data from provider';
export const MSG_UPDATE = 'could not update secret';
export const MSG_OWNED = 'target is owned by another ExternalSecret';

/** A failed sync: the condition gets the short message, the Warning Event the detail. */
export class SyncError extends Error {
  constructor(
    readonly condition: string,
    detail: string,
  ) {
    super(detail);
  }
}

/** What an ExternalSecret's `data` and `dataFrom` read from Vault, base64-encoded as Secret data. */
export async function collectData(spec: Obj, readSecret: ReadSecret): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const read = async (key: string, where: string) => {
    let secret;
    try {
      secret = await readSecret(key);
    } catch (error) {
      throw new SyncError(
        MSG_GET_DATA,
        `error retrieving secret at ${where}, key: ${key}, err: ${(error as Error).message}`,
      );
    }
    if (!secret)
      throw new SyncError(
        MSG_GET_DATA,
        `error retrieving secret at ${where}, key: ${key}, err: Secret does not exist`,
      );
    return secret.data;
  };
  for (const [i, item] of ((spec.data ?? []) as Obj[]).entries()) {
    const data = await read(item.remoteRef.key, `.data[${i}]`);
    const property = item.remoteRef.property;
    const value = property === undefined ? JSON.stringify(data) : data[property];
    if (value === undefined)
      throw new SyncError(
        MSG_GET_DATA,
        `error retrieving secret at .data[${i}], key: ${item.remoteRef.key}, err: key ${property} does not exist in secret ${item.remoteRef.key}`,
      );
    out[item.secretKey] = Buffer.from(String(value)).toString('base64');
  }
  for (const [i, item] of ((spec.dataFrom ?? []) as Obj[]).entries()) {
    if (!item.extract?.key)
      throw new SyncError(MSG_GET_DATA, `.dataFrom[${i}] supports only extract in this sandbox`);
    const data = await read(item.extract.key, `.dataFrom[${i}]`);
    for (const [k, v] of Object.entries(data)) out[k] = Buffer.from(String(v)).toString('base64');
  }
  return out;
}
