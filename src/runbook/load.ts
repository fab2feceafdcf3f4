import { createHash } from 'node:crypto';
import type { z } from 'zod';
import type { ActionRegistry } from '../actions/index.js';
import { runbookSchema, type Runbook } from './schema.js';
import type { SourceMap } from './source-map.js';
import { RunbookError } from './runbook-error.js';
import { checkRunbook } from './check.js';
import { readYaml } from './yaml-document.js';

/** A runbook that parsed, validated and whose references all resolve. */
export interface LoadedRunbook {
  runbook: Runbook;
  /** Where it came from, for messages and the journal. */
  file: string;
  /** sha256 of the file's bytes, recorded in the journal so a run can be tied to the exact text. */
  hash: string;
  source: string;
}

/** Parses and checks a runbook's text. Every problem is a RunbookError naming file:line:col. */
export function parseRunbook(text: string, file: string, actions: ActionRegistry): LoadedRunbook {
  const { data, map } = readYaml(text, file);
  const parsed = runbookSchema.safeParse(data);
  if (!parsed.success) throw schemaError(parsed.error, file, map);
  checkRunbook(parsed.data, actions, (problem, path, hint, key) => {
    throw new RunbookError(file, map.at(path, key), problem, hint);
  });
  return { runbook: parsed.data, file, hash: createHash('sha256').update(text).digest('hex'), source: text };
}

function schemaError(error: z.ZodError, file: string, map: SourceMap): RunbookError {
  const issue = error.issues[0];
  const path = issue.path as PropertyKey[];
  const where = path.length ? path.join('.') : 'the top level';
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0];
    return new RunbookError(
      file,
      map.at(path, key),
      `unknown field "${key}" in ${where}`,
      'check the spelling; `rotor schema` prints every allowed field',
    );
  }
  if (issue.code === 'invalid_union' && path.at(-2) === 'steps') {
    return new RunbookError(
      file,
      map.at(path),
      `step ${where} needs either "do:" (an action) or "parallel:" (a group), with only the allowed fields`,
      'see `rotor schema`',
    );
  }
  return new RunbookError(file, map.at(path), `${where}: ${issue.message}`);
}
