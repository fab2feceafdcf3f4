import type { ExternalSecretView } from './cluster-view.js';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.map(obj) : []);

/** How an ExternalSecret turns one Vault path into Secret keys, or why rotor cannot say. */
export type Mapping =
  | { kind: 'mapped'; keys: Array<{ secretKey: string; property: string }>; extract: boolean }
  | { kind: 'not-judged'; why: string };

/** The Vault path as ExternalSecrets name it: mount-relative, any leading slash dropped. */
const keyOf = (ref: Obj) => String(ref.key ?? '').replace(/^\/+/, '');

/** Every Vault path an ExternalSecret reads (`data[].remoteRef.key`, `dataFrom[].extract.key`). */
export function pathsRead(es: ExternalSecretView): string[] {
  const spec = obj(es.spec);
  return [
    ...list(spec.data).map((d) => keyOf(obj(d.remoteRef))),
    ...list(spec.dataFrom).map((d) => keyOf(obj(d.extract))),
  ].filter(Boolean);
}

/** ExternalSecrets by the paths they read: one pass, so a thousand rows do not each scan them all. */
export function readersByPath(all: readonly ExternalSecretView[]): Map<string, ExternalSecretView[]> {
  const index = new Map<string, ExternalSecretView[]>();
  for (const es of all)
    for (const path of new Set(pathsRead(es))) {
      const readers = index.get(path) ?? [];
      readers.push(es);
      index.set(path, readers);
    }
  return index;
}

/** True when the ExternalSecret reads the path (a `data[].remoteRef.key` or `dataFrom[].extract.key`). */
export function readsPath(es: ExternalSecretView, path: string): boolean {
  const spec = obj(es.spec);
  return (
    list(spec.data).some((d) => keyOf(obj(d.remoteRef)) === path) ||
    list(spec.dataFrom).some((d) => keyOf(obj(d.extract)) === path)
  );
}

/** The Secret the ExternalSecret writes: `spec.target.name`, or its own name. */
export function targetOf(es: ExternalSecretView): string {
  return String(obj(obj(es.spec).target).name ?? '') || es.name;
}

// Options that change the bytes ESO writes in ways rotor does not reproduce.
const ALTERING = ['version', 'decodingStrategy', 'conversionStrategy', 'metadataPolicy'];
const altered = (ref: Obj) =>
  ALTERING.find((k) => {
    const v = ref[k];
    return v !== undefined && v !== '' && v !== 'None' && v !== 'Default' && v !== 'None';
  });

/**
 * Which Secret keys come from `path` and from which Vault property. Templates, pinned versions,
 * decoding or conversion strategies and whole-secret JSON values are not evaluated: the row says
 * "not judged" rather than guess.
 */
export function mappingFor(es: ExternalSecretView, path: string): Mapping {
  const spec = obj(es.spec);
  if (obj(spec.target).template !== undefined)
    return { kind: 'not-judged', why: `${es.namespace}/${es.name} uses a target template` };
  const keys: Array<{ secretKey: string; property: string }> = [];
  for (const [i, item] of list(spec.data).entries()) {
    const ref = obj(item.remoteRef);
    if (keyOf(ref) !== path) continue;
    const option = altered(ref);
    if (option) return { kind: 'not-judged', why: `data[${i}].remoteRef.${option} is set` };
    if (ref.property === undefined || ref.property === '')
      return { kind: 'not-judged', why: `data[${i}] takes the whole secret as JSON (no property)` };
    keys.push({ secretKey: String(item.secretKey), property: String(ref.property) });
  }
  let extract = false;
  for (const [i, item] of list(spec.dataFrom).entries()) {
    if (item.find !== undefined || item.sourceRef !== undefined || item.rewrite !== undefined) {
      if (keyOf(obj(item.extract)) === path || item.extract === undefined)
        return { kind: 'not-judged', why: `dataFrom[${i}] uses find, rewrite or a generator` };
    }
    const ref = obj(item.extract);
    if (keyOf(ref) !== path) continue;
    const option = altered(ref) ?? (ref.property ? 'property' : undefined);
    if (option) return { kind: 'not-judged', why: `dataFrom[${i}].extract.${option} is set` };
    extract = true;
  }
  return { kind: 'mapped', keys, extract };
}

/**
 * The Secret data the mapping should have written from Vault's current data, as digests. A value
 * ESO would JSON-encode (a nested object) cannot be reproduced byte for byte: not judged.
 */
export function expectedDigests(
  mapping: Extract<Mapping, { kind: 'mapped' }>,
  vaultData: Readonly<Record<string, unknown>>,
  digest: (value: string) => string,
): { digests: Record<string, string>; missing: string[] } | { why: string } {
  const digests: Record<string, string> = {};
  const missing: string[] = [];
  const text = (v: unknown) =>
    typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
  if (mapping.extract)
    for (const [k, v] of Object.entries(vaultData)) {
      const s = text(v);
      if (s === undefined) return { why: `Vault's "${k}" is not a plain value` };
      digests[k] = digest(s);
    }
  for (const { secretKey, property } of mapping.keys) {
    if (!(property in vaultData)) {
      missing.push(property);
      continue;
    }
    const s = text(vaultData[property]);
    if (s === undefined) return { why: `Vault's "${property}" is not a plain value` };
    digests[secretKey] = digest(s);
  }
  return { digests, missing };
}

/** The Ready condition: true, or why not. */
export function readiness(es: ExternalSecretView): { ready: boolean; why: string; refreshTime?: string } {
  const status = obj(es.status);
  const ready = list(status.conditions).find((c) => c.type === 'Ready');
  const refreshTime = typeof status.refreshTime === 'string' ? status.refreshTime : undefined;
  if (!ready) return { ready: false, why: 'no Ready condition yet', refreshTime };
  if (ready.status === 'True') return { ready: true, why: '', refreshTime };
  const why = [ready.reason, ready.message].filter(Boolean).join(': ');
  return { ready: false, why: why || `Ready is ${String(ready.status)}`, refreshTime };
}
