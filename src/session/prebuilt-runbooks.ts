import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { ActionRegistry } from '../actions/index.js';
import type { Runbook } from '../runbook/schema.js';
import { packageRoot } from './package-root.js';

/**
 * The shipped runbooks, parsed and checked at build time (`npm run build` writes
 * dist/runbooks.prebuilt.json). Parsing YAML and checking 14 runbooks is ~100 ms of every start,
 * the largest part of the time to the TUI's first frame. The file ships with the code and is
 * trusted like it; an entry is used only for a file in the shipped folder whose bytes hash to
 * the same sha256, under the same action registry. Anything else is parsed as usual.
 */
export interface PrebuiltRunbooks {
  /** registryFingerprint() of the actions the runbooks were checked against. */
  registry: string;
  /** By file name in the shipped runbooks folder. */
  runbooks: Record<string, { hash: string; runbook: Runbook }>;
}

export const PREBUILT_FILE = join('dist', 'runbooks.prebuilt.json');

/** What a runbook check depends on in the registry: action ids, outputs and parameter names. */
export function registryFingerprint(actions: ActionRegistry): string {
  const shape = [...actions.values()]
    .map((a) => [a.id, [...a.outputs], Object.keys((a.params as { shape?: object }).shape ?? {})])
    .sort((x, y) => String(x[0]).localeCompare(String(y[0])));
  return createHash('sha256').update(JSON.stringify(shape)).digest('hex');
}

let loaded: PrebuiltRunbooks | null | undefined;
let shippedDir: string | undefined;
/** Fingerprints by registry: a start loads 14 files against one registry, so it is hashed once. */
const fingerprints = new WeakMap<ActionRegistry, string>();

function fingerprintOf(actions: ActionRegistry): string {
  let fingerprint = fingerprints.get(actions);
  if (fingerprint === undefined) fingerprints.set(actions, (fingerprint = registryFingerprint(actions)));
  return fingerprint;
}

/** The build-time parse of a shipped runbook file with exactly this hash, if there is one. */
export function prebuiltRunbook(file: string, hash: string, actions: ActionRegistry): Runbook | undefined {
  shippedDir ??= join(packageRoot(), 'runbooks');
  if (dirname(file) !== shippedDir) return undefined;
  if (loaded === undefined) {
    try {
      loaded = JSON.parse(readFileSync(join(dirname(shippedDir), PREBUILT_FILE), 'utf8')) as PrebuiltRunbooks;
    } catch {
      loaded = null; // not built (tests straight from src): parse as usual
    }
  }
  const entry = loaded?.runbooks[basename(file)];
  if (!entry || entry.hash !== hash || loaded!.registry !== fingerprintOf(actions)) return undefined;
  return entry.runbook;
}
