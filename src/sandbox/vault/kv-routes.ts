import { badRequest, envelope, noContent, notFound, ok, VaultHttpError } from './envelope.js';
import { boolField, durationSeconds, goDuration, intField, mapField } from './fields.js';
import { mergePatch } from './merge-patch.js';
import { KvStore, emptyKey, validateCustomMetadata, versionMetadata } from './kv-store.js';
import { route, type Mount, type VaultRequest } from './routes.js';

const SECRET = '(?<path>.*[^/])';

/**
 * `versions` as the framework's TypeCommaIntSlice reads it. An empty list is refused with the
 * plugin's words: "No version number provided" for delete and undelete (path_delete.go), lower
 * case for destroy (path_destroy.go).
 */
function versionsParam(req: VaultRequest, missing: string): number[] {
  const raw = req.body.versions;
  const list = Array.isArray(raw)
    ? raw
    : typeof raw === 'string'
      ? raw.split(',').filter((v) => v !== '')
      : [];
  const versions = list.map((v) => intField(v, 'versions') ?? 0);
  if (versions.length === 0) throw badRequest(missing);
  return versions;
}

function customMetadata(raw: unknown, dropNulls: boolean): Record<string, string> {
  const map = mapField(raw, 'custom_metadata') ?? {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(map)) {
    if (v === null && dropNulls) continue;
    out[k] = v === null ? '' : String(v);
  }
  validateCustomMetadata(out);
  return out;
}

/** A KV version 2 mount (`secret/`) with the plugin's data, metadata, delete and destroy paths. */
export function kvMount(path: string, store: KvStore, changed: () => void): Mount {
  const exists = (_req: VaultRequest, p: Record<string, string>) => store.get(p.path) !== undefined;
  const mutate = <T>(fn: () => T): T => {
    const result = fn();
    changed();
    return result;
  };
  return {
    path,
    type: 'kv',
    routes: [
      route('config', {
        read: () =>
          ok({
            cas_required: store.config.casRequired,
            delete_version_after: goDuration(store.config.deleteVersionAfter),
            max_versions: store.config.maxVersions,
          }),
        update: (req) =>
          mutate(() => {
            const b = req.body;
            store.config = {
              maxVersions: intField(b.max_versions, 'max_versions') ?? store.config.maxVersions,
              casRequired: boolField(b.cas_required, 'cas_required') ?? store.config.casRequired,
              deleteVersionAfter:
                durationSeconds(b.delete_version_after, 'delete_version_after') ??
                store.config.deleteVersionAfter,
            };
            return noContent();
          }),
      }),
      route(
        `data/${SECRET}`,
        {
          read: (req, p) => {
            const key = store.get(p.path);
            if (!key) throw notFound();
            const asked = intField(req.query.get('version') ?? undefined, 'version') ?? 0;
            const n = asked > 0 ? asked : key.currentVersion;
            const v = key.versions[n];
            if (!v) throw notFound();
            const metadata = versionMetadata(key, n);
            if (v.destroyed || store.isDeleted(v))
              throw new VaultHttpError(404, [], envelope({ data: null, metadata }));
            return ok({ data: v.data, metadata });
          },
          create: (req, p) =>
            mutate(() => ok(versionMetadata(...pick(store.write(p.path, req.body.data, req.body.options))))),
          update: (req, p) =>
            mutate(() => ok(versionMetadata(...pick(store.write(p.path, req.body.data, req.body.options))))),
          patch: (req, p) =>
            mutate(() => ok(versionMetadata(...pick(store.patch(p.path, req.body.data, req.body.options))))),
          delete: (_req, p) => mutate(() => (store.softDelete(p.path), noContent())),
        },
        { exists },
      ),
      route(`delete/${SECRET}`, {
        update: (req, p) =>
          mutate(
            () => (store.softDelete(p.path, versionsParam(req, 'No version number provided')), noContent()),
          ),
      }),
      route(`undelete/${SECRET}`, {
        update: (req, p) =>
          mutate(
            () => (store.undelete(p.path, versionsParam(req, 'No version number provided')), noContent()),
          ),
      }),
      route(`destroy/${SECRET}`, {
        update: (req, p) =>
          mutate(
            () => (store.destroy(p.path, versionsParam(req, 'no version number provided')), noContent()),
          ),
      }),
      route(
        'metadata/(?<path>.*)',
        {
          list: (_req, p) => {
            const keys = store.list(p.path);
            if (keys.length === 0) throw notFound();
            return ok({ keys });
          },
          read: (_req, p) => {
            const key = store.get(p.path);
            if (!key) throw notFound();
            return ok(store.metadata(key));
          },
          create: (req, p) => mutate(() => writeMetadata(store, p.path, req)),
          update: (req, p) => mutate(() => writeMetadata(store, p.path, req)),
          patch: (req, p) =>
            mutate(() => {
              const key = store.get(p.path);
              const b = req.body;
              const cm =
                b.custom_metadata === undefined ? undefined : customMetadata(b.custom_metadata, true);
              if (!key) throw new VaultHttpError(404, [], null);
              if (b.max_versions !== undefined)
                key.maxVersions = intField(b.max_versions, 'max_versions') ?? 0;
              if (b.cas_required !== undefined)
                key.casRequired = boolField(b.cas_required, 'cas_required') ?? false;
              if (b.delete_version_after !== undefined)
                key.deleteVersionAfter = durationSeconds(b.delete_version_after, 'delete_version_after') ?? 0;
              if (cm !== undefined)
                key.customMetadata = mergePatch(key.customMetadata ?? {}, b.custom_metadata) as Record<
                  string,
                  string
                >;
              key.updatedTime = store.now();
              return noContent();
            }),
          delete: (_req, p) => mutate(() => (store.keys.delete(p.path), noContent())),
        },
        { exists: (_req, p) => store.get(p.path) !== undefined },
      ),
    ],
  };
}

function pick(r: {
  key: Parameters<typeof versionMetadata>[0];
  version: number;
}): [Parameters<typeof versionMetadata>[0], number] {
  return [r.key, r.version];
}

/** POST metadata: sets only the fields given; `custom_metadata` replaces the whole map. */
function writeMetadata(store: KvStore, path: string, req: VaultRequest) {
  const b = req.body;
  const given = ['max_versions', 'cas_required', 'delete_version_after', 'custom_metadata'].some(
    (f) => b[f] !== undefined,
  );
  if (!given) return noContent();
  const cm = b.custom_metadata === undefined ? undefined : customMetadata(b.custom_metadata, false);
  const now = store.now();
  const key = store.get(path) ?? emptyKey(now);
  if (b.max_versions !== undefined) key.maxVersions = intField(b.max_versions, 'max_versions') ?? 0;
  if (b.cas_required !== undefined) key.casRequired = boolField(b.cas_required, 'cas_required') ?? false;
  if (b.delete_version_after !== undefined)
    key.deleteVersionAfter = durationSeconds(b.delete_version_after, 'delete_version_after') ?? 0;
  if (cm !== undefined) key.customMetadata = cm;
  store.keys.set(path, key);
  return noContent();
}
