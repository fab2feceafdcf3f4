import { createHash } from 'node:crypto';
import { LineCounter, parseDocument, visit, type Document } from 'yaml';
import type { z } from 'zod';
import type { ActionRegistry } from '../actions/index.js';
import { runbookSchema, type Runbook } from './schema.js';
import { SourceMap } from './source-map.js';
import { RunbookError } from './runbook-error.js';
import { checkRunbook } from './check.js';
import { MAX_FLOW_DEPTH, tooDeepFlowOffset } from './flow-depth.js';

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
  const deep = tooDeepFlowOffset(text);
  if (deep !== undefined) {
    const before = text.slice(0, deep);
    throw new RunbookError(
      file,
      { line: before.split('\n').length, col: deep - before.lastIndexOf('\n') },
      `malformed YAML: the YAML nests too deeply (more than ${MAX_FLOW_DEPTH} levels of [ or {)`,
      'fix the YAML syntax at that position (indentation, quotes, a missing colon)',
    );
  }
  const lines = new LineCounter();
  // logLevel 'error': a collection used as a key is refused below as an unknown field; the
  // library's process warning about it would only print Node noise on stderr.
  const doc = parseDocument(text, {
    lineCounter: lines,
    prettyErrors: false,
    uniqueKeys: true,
    logLevel: 'error',
  });
  const map = new SourceMap(doc, lines);
  const yamlError = doc.errors[0];
  if (yamlError) {
    // Without prettyErrors the error carries only offsets (no linePos): map them ourselves.
    const said = yamlError.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    const what = /call stack/i.test(said) ? 'the YAML nests too deeply' : said;
    throw new RunbookError(
      file,
      map.position(yamlError.pos[0]),
      `malformed YAML: ${what}`,
      'fix the YAML syntax at that position (indentation, quotes, a missing colon)',
    );
  }
  const parsed = runbookSchema.safeParse(toPlainData(doc, file, map));
  if (!parsed.success) throw schemaError(parsed.error, file, map);
  checkRunbook(parsed.data, actions, (problem, path, hint, key) => {
    throw new RunbookError(file, map.at(path, key), problem, hint);
  });
  return { runbook: parsed.data, file, hash: createHash('sha256').update(text).digest('hex'), source: text };
}

/** The yaml library resolves aliases only here: a dangling alias or an alias bomb throws. */
function toPlainData(doc: Document, file: string, map: SourceMap): unknown {
  try {
    return doc.toJS();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const dangling = /Unresolved alias.*: (.*)$/.exec(message)?.[1];
    let offset = 0;
    if (/alias/i.test(message)) {
      visit(doc, {
        Alias(_key, node) {
          if (dangling !== undefined && node.source !== dangling) return undefined;
          offset = node.range?.[0] ?? 0;
          return visit.BREAK;
        },
      });
    }
    const problem =
      dangling !== undefined
        ? `alias *${dangling} has no anchor &${dangling} before it`
        : /alias/i.test(message)
          ? 'the aliases expand to too many values (a guard against alias bombs)'
          : /call stack/i.test(message)
            ? 'the YAML nests too deeply'
            : message;
    throw new RunbookError(
      file,
      map.position(offset),
      `malformed YAML: ${problem}`,
      'define the anchor (&name) before its alias (*name), or write the value out',
    );
  }
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
