import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { RunbookError } from '../runbook/runbook-error.js';
import type { SourceMap } from '../runbook/source-map.js';
import { readYaml } from '../runbook/yaml-document.js';
import { inventorySchema, type Inventory } from './schema.js';

/** An inventory that parsed and validated, with the way back to line:col for later messages. */
export interface LoadedInventory {
  inventory: Inventory;
  /** The file as found (`rotor.inventory.yaml`, an absolute path), for messages. */
  file: string;
  /** sha256 of the file's bytes: what `rotor env trust` records. */
  hash: string;
  /** `file:line:col` of a place in the file, by its path (`environments.production.inputs.namespace`). */
  where(path: readonly PropertyKey[], key?: string): string;
  /** The same place as a RunbookError, for problems found after loading. */
  error(path: readonly PropertyKey[], problem: string, hint?: string, key?: string): RunbookError;
}

/** Parses and validates an inventory's text; every problem is a RunbookError naming file:line:col. */
export function parseInventory(text: string, file: string): LoadedInventory {
  const { data, map } = readYaml(text, file);
  const parsed = inventorySchema.safeParse(data ?? {});
  if (!parsed.success) throw schemaError(parsed.error, file, map);
  const at = (path: readonly PropertyKey[], key?: string) => map.at(path, key);
  return {
    inventory: parsed.data,
    file,
    hash: createHash('sha256').update(text).digest('hex'),
    where: (path, key) => {
      const p = at(path, key);
      return `${file}:${p.line}:${p.col}`;
    },
    error: (path, problem, hint, key) => new RunbookError(file, at(path, key), problem, hint),
  };
}

function schemaError(error: z.ZodError, file: string, map: SourceMap): RunbookError {
  // A misspelt key also leaves its right spelling missing: name the misspelling.
  const issue = error.issues.find((i) => i.code === 'unrecognized_keys') ?? error.issues[0];
  const path = issue.path as PropertyKey[];
  const where = path.length ? path.join('.') : 'the top level';
  const hint = 'check the spelling; `rotor schema inventory` prints every allowed field';
  if (issue.code === 'invalid_type' && /received undefined/.test(issue.message))
    return new RunbookError(file, map.at(path), `${where} is missing`, hint);
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0];
    return new RunbookError(file, map.at(path, key), `unknown field "${key}" in ${where}`, hint);
  }
  if (issue.code === 'invalid_union' && path.at(-2) !== 'environments')
    return new RunbookError(
      file,
      map.at(path),
      `${where}: a value is text, a number, true/false, or a Vault reference { vault: <path>, field: <name> }`,
      hint,
    );
  if (issue.code === 'invalid_key')
    return new RunbookError(
      file,
      map.at(path.slice(0, -1), String(path.at(-1))),
      `${where}: ${issue.issues[0]?.message ?? issue.message}`,
      hint,
    );
  return new RunbookError(file, map.at(path), `${where}: ${issue.message}`, hint);
}
