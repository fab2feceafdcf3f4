import { LineCounter, parseDocument, visit, type Document } from 'yaml';
import { SourceMap } from './source-map.js';
import { RunbookError } from './runbook-error.js';
import { MAX_FLOW_DEPTH, tooDeepFlowOffset } from './flow-depth.js';

/**
 * Parses a YAML file rotor reads (a runbook, an inventory) into plain data and a map back to
 * line:col. Malformed YAML, alias bombs and deep nesting are RunbookErrors naming file:line:col.
 */
export function readYaml(text: string, file: string): { data: unknown; map: SourceMap } {
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
  // logLevel 'error': a collection used as a key is refused later as an unknown field; the
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
  return { data: toPlainData(doc, file, map), map };
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
