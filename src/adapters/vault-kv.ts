import {
  VaultError,
  isVaultError,
  type KvData,
  type KvLocation,
  type VaultPort,
} from '../ports/vault-port.js';
import { isSecret, reveal } from '../engine/secret.js';
import { kvApiPath } from './vault-api-path.js';
import { call, type NodeVaultClient } from './vault-client.js';
import { metadataOf } from './vault-metadata.js';

const name = (at: KvLocation) => `${at.mount}/${at.path}`;

function revealData(data: KvData): Record<string, unknown> {
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, isSecret(v) ? reveal(v) : v]));
}

type KvMethods = Pick<
  VaultPort,
  'kvRead' | 'kvMetadata' | 'kvWrite' | 'kvPatch' | 'kvWriteCustomMetadata' | 'kvDeleteAll'
>;

/** The KV v2 half of the port, with check-and-set conflicts told in the operator's words. */
export function kvMethods(client: NodeVaultClient, address: string): KvMethods {
  const ctx = (doing: string, apiPath: string, needs: string[]) => ({ doing, apiPath, needs, address });
  const dataPath = (at: KvLocation) => kvApiPath(at, 'data');
  const metaPath = (at: KvLocation) => kvApiPath(at, 'metadata');

  const metadata: KvMethods['kvMetadata'] = async (at, options = {}) => {
    try {
      const res = await call(
        client,
        ctx(`reading the metadata of ${name(at)}`, metaPath(at), ['read']),
        () => client.read(metaPath(at)),
        options.signal,
      );
      return metadataOf(res.data);
    } catch (error) {
      if (isVaultError(error, 'not-found')) return null;
      throw error;
    }
  };

  /** Rewords Vault's CAS refusals: which version the run expected and which one is there now. */
  const casAware = async <T>(at: KvLocation, cas: number | undefined, work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      if (!isVaultError(error, 'bad-request')) throw error;
      const current = (await metadata(at).catch(() => null))?.currentVersion ?? 0;
      if (cas !== undefined && current !== cas) {
        throw new VaultError(
          'cas-conflict',
          `${at.path} changed since this run started: version ${cas} → ${current}; someone else may be rotating it`,
          {
            status: 400,
            hint: `look at who wrote version ${current} (vault kv metadata get ${name(at)}) before running the rotation again`,
          },
        );
      }
      if (cas === undefined) {
        throw new VaultError(
          'cas-required',
          `${name(at)} requires check-and-set (cas_required): the write gave no version to check (400)`,
          {
            status: 400,
            hint: 'give the step a cas: the version recorded by vault.kv-snapshot',
          },
        );
      }
      throw error;
    }
  };

  const write = (
    verb: 'writing' | 'patching',
    at: KvLocation,
    data: KvData,
    cas: number | undefined,
    signal?: AbortSignal,
  ) => {
    const body = { data: revealData(data), options: cas === undefined ? {} : { cas } };
    const needs = verb === 'patching' ? ['patch'] : ['create', 'update'];
    return casAware(at, cas, async () => {
      const res = await call(
        client,
        ctx(`${verb} ${name(at)}`, dataPath(at), needs),
        () => (verb === 'patching' ? client.update(dataPath(at), body) : client.write(dataPath(at), body)),
        signal,
      );
      return { version: Number(res.data.version) };
    });
  };

  return {
    async kvRead(at, options = {}) {
      const path = options.version ? `${dataPath(at)}?version=${options.version}` : dataPath(at);
      const doing = `reading ${name(at)}${options.version ? ` version ${options.version}` : ''}`;
      // Vault answers a deleted or destroyed version's 404 with that version's metadata, and a
      // path never written with none: either way no second request is needed to tell which.
      let answered: { version?: number; deletion_time?: string; destroyed?: boolean } | undefined;
      let plain404 = false;
      try {
        const res = await call(
          client,
          ctx(doing, dataPath(at), ['read']),
          () =>
            client.read(path).catch((error: { response?: { statusCode?: number; body?: any } }) => {
              const body = error?.response?.body;
              answered = body?.data?.metadata ?? undefined;
              plain404 = error?.response?.statusCode === 404 && !body?.data;
              throw error;
            }),
          options.signal,
        );
        return {
          data: res.data.data,
          version: Number(res.data.metadata.version),
          createdTime: String(res.data.metadata.created_time),
        };
      } catch (error) {
        if (!isVaultError(error, 'not-found')) throw error;
        if (answered && (answered.destroyed || answered.deletion_time))
          throw deletedVersion(name(at), Number(answered.version), answered.destroyed === true, doing);
        if (plain404 && !options.version)
          throw new VaultError('not-found', `${name(at)} not found (404) while ${doing}`, {
            status: 404,
            hint: `check the path and the mount ("${at.mount}")`,
          });
        const meta = await metadata(at).catch(() => null);
        const n = options.version ?? meta?.currentVersion;
        const v = n !== undefined ? meta?.versions[n] : undefined;
        if (v?.destroyed || v?.deleted) throw deletedVersion(name(at), n!, v.destroyed, doing);
        throw new VaultError(
          'not-found',
          `${name(at)}${options.version ? ` version ${options.version}` : ''} not found (404) while ${doing}`,
          {
            status: 404,
            hint: meta
              ? `the versions kept are ${meta.oldestVersion || 1}..${meta.currentVersion}`
              : `check the path and the mount ("${at.mount}")`,
          },
        );
      }
    },
    kvMetadata: metadata,
    kvWrite: (at, data, options = {}) => write('writing', at, data, options.cas, options.signal),
    kvPatch: (at, data, options = {}) => write('patching', at, data, options.cas, options.signal),
    async kvWriteCustomMetadata(at, custom, options = {}) {
      await call(
        client,
        ctx(`writing the metadata of ${name(at)}`, metaPath(at), ['create', 'update']),
        () => client.write(metaPath(at), { custom_metadata: custom }),
        options.signal,
      );
    },
    async kvDeleteAll(at, options = {}) {
      await call(
        client,
        ctx(`deleting ${name(at)} with all its versions`, metaPath(at), ['delete']),
        () => client.delete(metaPath(at)),
        options.signal,
      );
    },
  };
}

/** A version that is deleted (undeletable) or destroyed (gone): the 404's words for the operator. */
function deletedVersion(name: string, n: number, destroyed: boolean, doing: string): VaultError {
  return new VaultError(
    'deleted',
    `${name} version ${n} is ${destroyed ? 'destroyed' : 'deleted'} (404) while ${doing}`,
    {
      status: 404,
      hint: destroyed
        ? 'a destroyed version is gone: restore an earlier one with vault.kv-restore'
        : `undelete it (vault kv undelete -versions=${n} ${name}) or restore an earlier version with vault.kv-restore`,
    },
  );
}
