import { resolveString, type Lookup } from '../runbook/template.js';
import { parseKvPath, type KvPath } from '../vault-path/index.js';
import { reveal } from './secret.js';

const INPUT = /^\{\{\s*inputs\.([A-Za-z0-9_-]+)\s*\}\}$/;

/**
 * The secrets a session rotates, computed once for its plan: each entry resolved over inputs and
 * env, split on commas (a list input), parsed to the canonical path (a refused spelling throws,
 * exit 2, before anything is locked) and sorted, so two spellings are one secret and two sessions
 * wanting overlapping sets take their locks in one order (no cycle).
 */
export function rotatedSecrets(templates: readonly string[], lookup: Lookup): KvPath[] {
  const paths = new Map<string, KvPath>();
  for (const template of templates) {
    const input = INPUT.exec(template)?.[1];
    const label = input ? `input ${input}` : `rotates entry ${JSON.stringify(template)}`;
    const value = resolveString(template, lookup);
    const items = Array.isArray(value) ? value.map((v) => reveal(v)) : reveal(value ?? '').split(/[,\n]/);
    for (const text of items.map((s) => s.trim()).filter(Boolean)) {
      const path = parseKvPath(text, { input: label });
      paths.set(path.path, path);
    }
  }
  return [...paths.keys()].sort().map((k) => paths.get(k)!);
}
