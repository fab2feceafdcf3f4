import { weirdString, type Random } from './fuzz-random.js';

/** One named change to a runbook's text; the names make a failing case readable. */
type Mutator = (lines: string[], rnd: Random) => string;

const at = (lines: string[], rnd: Random) => rnd.int(0, Math.max(0, lines.length - 1));

/** Replaces a random match of `pattern` (global) in one line with `replace(match)`. */
function replaceIn(
  lines: string[],
  rnd: Random,
  pattern: RegExp,
  replace: (match: RegExpExecArray) => string,
): string | undefined {
  // Very long lines (an earlier huge value) are left alone: backtracking over them is quadratic.
  const candidates = lines.flatMap((line, i) =>
    line.length > 2000 ? [] : [...line.matchAll(pattern)].map((m) => [i, m] as const),
  );
  if (!candidates.length) return undefined;
  const [i, m] = rnd.pick(candidates);
  const line = lines[i];
  lines[i] = line.slice(0, m.index) + replace(m) + line.slice(m.index + m[0].length);
  return `line ${i + 1}`;
}

function typo(word: string, rnd: Random): string {
  if (!word) return 'x';
  const i = rnd.int(0, word.length - 1);
  return rnd.pick([
    () => word.slice(0, i) + word.slice(i + 1),
    () => word.slice(0, i) + word[i] + word.slice(i),
    () => word.slice(0, i) + (word[i + 1] ?? '') + word[i] + word.slice(i + 2),
    () => word.toUpperCase(),
    () => `${word}_${rnd.int(0, 9)}`,
    () => word.replace(/o/g, 'о'), // a Cyrillic o
    () => `${word}\u200B`,
    () => '',
    () => weirdString(rnd),
  ])();
}

const SCALARS = [
  '42',
  '-1',
  '0',
  '3.5',
  '1e400',
  '.nan',
  '.inf',
  '0x1F',
  '0o17',
  'true',
  'false',
  'null',
  '~',
  '""',
  "''",
  '[]',
  '{}',
  '[a, b]',
  '{ a: 1 }',
  '2024-01-01',
  '!!binary aGVsbG8=',
  '!!str 12',
  '!custom x',
  '|\n  block',
  '>-\n  folded',
  '"\\u0000"',
  '"\\x85"',
  '- item',
  '&anchor v',
  '*nowhere',
  '? complex',
  '"{{"',
  '"}}"',
];

const REFERENCE_BREAKS: Array<(inner: string, rnd: Random) => string> = [
  (inner) => `{{ ${inner}`,
  (inner) => `${inner} }}`,
  (inner) => `{{ ${inner.replace('inputs', 'input')} }}`,
  (inner) => `{{ ${inner.replace(/\.[^.]*$/, '.nope')} }}`,
  (inner) => `{{ ${inner}.extra.deeper }}`,
  () => '{{ }}',
  () => '{{ steps }}',
  () => '{{ steps.nope.value }}',
  () => '{{ item }}',
  () => '{{ item.field }}',
  () => '{{ env }}',
  () => '{{ env.A.B }}',
  (inner) => `{{ {{ ${inner} }} }}`,
  (inner) => `{{ ${inner} == 'x' }}`,
  (inner) => `{{ not ${inner} }}`,
  (inner) => `{{ ${inner} != }}`,
  (inner) => `{{ ${inner} }}{{ ${inner} }}`,
  (inner, rnd) => `{{ ${typo(inner, rnd)} }}`,
  () => '{{ inputs.constructor }}',
  () => '{{ inputs.__proto__ }}',
  () => '{{ steps.backup.constructor }}',
];

/** The mutations: line edits, indentation, types, names, references, unicode, size, YAML features. */
const MUTATORS: Record<string, Mutator> = {
  deleteLine: (lines, rnd) => {
    const i = at(lines, rnd);
    lines.splice(i, 1);
    return `line ${i + 1}`;
  },
  duplicateLine: (lines, rnd) => {
    const i = at(lines, rnd);
    lines.splice(i, 0, lines[i] ?? '');
    return `line ${i + 1}`;
  },
  swapLines: (lines, rnd) => {
    const i = at(lines, rnd);
    const j = rnd.chance(0.5) ? Math.min(lines.length - 1, i + 1) : at(lines, rnd);
    [lines[i], lines[j]] = [lines[j], lines[i]];
    return `lines ${i + 1}, ${j + 1}`;
  },
  moveBlock: (lines, rnd) => {
    const i = at(lines, rnd);
    const block = lines.splice(i, rnd.int(1, 6));
    const j = at(lines, rnd);
    lines.splice(j, 0, ...block);
    return `lines ${i + 1}+${block.length} to ${j + 1}`;
  },
  indent: (lines, rnd) => {
    const i = at(lines, rnd);
    const by = rnd.pick([-4, -2, -1, 1, 2, 3, 4]);
    lines[i] = by > 0 ? ' '.repeat(by) + lines[i] : lines[i].replace(new RegExp(`^ {0,${-by}}`), '');
    return `line ${i + 1} by ${by}`;
  },
  tab: (lines, rnd) => {
    const i = at(lines, rnd);
    lines[i] = rnd.chance(0.5) ? lines[i].replace(/^ +/, '\t') : `${lines[i]}\t`;
    return `line ${i + 1}`;
  },
  flipType: (lines, rnd) =>
    replaceIn(lines, rnd, /(?<=: )[^{}\n][^\n]*$|(?<=: )\{[^\n]*\}$/g, () => rnd.pick(SCALARS)) ?? 'none',
  flipFlowValue: (lines, rnd) =>
    replaceIn(lines, rnd, /(?<=[{,] *[\w-]+: )("[^"]*"|[^,}]+)/g, () =>
      rnd.pick(SCALARS).replace(/\n/g, ' '),
    ) ?? 'none',
  renameKey: (lines, rnd) =>
    replaceIn(lines, rnd, /[A-Za-z_][\w-]*(?=:( |$))/g, (m) => typo(m[0], rnd)) ?? 'none',
  renameId: (lines, rnd) =>
    replaceIn(lines, rnd, /(?<=\bid: )\S+/g, (m) =>
      rnd.pick([
        () => typo(m[0], rnd),
        () => 'backup',
        () => 'generate',
        () => 'Bad Id',
        () => '1st',
        () => '',
      ])(),
    ) ?? 'none',
  renameAction: (lines, rnd) =>
    replaceIn(lines, rnd, /(?<=\bdo: )\S+/g, (m) =>
      rnd.pick([
        () => typo(m[0], rnd),
        () => 'vault.nope',
        () => 'generate.password',
        () => 'vault.kv-patch',
        () => 'script.run',
        () => 'http.check',
        () => '',
        () => 'a.b.c',
      ])(),
    ) ?? 'none',
  breakReference: (lines, rnd) =>
    replaceIn(lines, rnd, /\{\{\s*(.*?)\s*\}\}/g, (m) => rnd.pick(REFERENCE_BREAKS)(m[1], rnd)) ?? 'none',
  unicode: (lines, rnd) => {
    const i = at(lines, rnd);
    const col = rnd.int(0, lines[i]?.length ?? 0);
    lines[i] =
      (lines[i] ?? '').slice(0, col) +
      rnd.pick([
        'é',
        '🔑',
        '\u202E',
        '\u200B',
        '\u0000',
        '\uFEFF',
        '\uD800',
        '\u2028',
        '\u0085',
        '\u00A0',
        '\r',
        '\u001b[2J',
      ]) +
      (lines[i] ?? '').slice(col);
    return `line ${i + 1} col ${col}`;
  },
  weirdValue: (lines, rnd) =>
    replaceIn(lines, rnd, /(?<=: )[^\n{]+$/g, () => JSON.stringify(weirdString(rnd))) ?? 'none',
  hugeValue: (lines, rnd) =>
    replaceIn(lines, rnd, /(?<=: )[^\n{]+$/g, () =>
      rnd.pick(['x'.repeat(100_000), JSON.stringify('🔐'.repeat(20_000)), '9'.repeat(5000)]),
    ) ?? 'none',
  manySteps: (lines, rnd) => {
    const start = lines.findIndex((l) => /^ {2}- id: /.test(l));
    if (start < 0) return 'none';
    let end = start + 1;
    while (end < lines.length && /^ {3,}\S/.test(lines[end])) end++;
    const block = lines.slice(start, end);
    const copies = rnd.int(20, 200);
    const out: string[] = [];
    for (let c = 0; c < copies; c++) out.push(...block.map((l) => l.replace(/(?<=- id: )(\S+)/, `$1-${c}`)));
    lines.splice(end, 0, ...out);
    return `${copies} copies`;
  },
  anchorAlias: (lines, rnd) => {
    const values = lines.flatMap((l, i) => (/: \S/.test(l) && !/: [&*|>]/.test(l) ? [i] : []));
    if (values.length < 2) return 'none';
    const i = rnd.pick(values);
    const j = rnd.pick(values);
    lines[i] = lines[i].replace(/: /, ': &a ');
    lines[j] = lines[j].replace(/: .*$/, ': *a');
    return `&a at ${i + 1}, *a at ${j + 1}`;
  },
  danglingAlias: (lines, rnd) => replaceIn(lines, rnd, /(?<=: )[^\n{]+$/g, () => '*missing') ?? 'none',
  aliasBomb: (lines) => {
    lines.push('x-bomb: &b0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]');
    for (let i = 1; i <= 8; i++)
      lines.push(
        `x-b${i}: &b${i} [${Array(9)
          .fill(`*b${i - 1}`)
          .join(', ')}]`,
      );
    return 'billion laughs';
  },
  mergeKey: (lines, rnd) => {
    const i = at(lines, rnd);
    const indent = /^\s*/.exec(lines[i] ?? '')![0];
    lines.splice(i, 0, `${indent}<<: { title: merged }`);
    return `line ${i + 1}`;
  },
  deepNesting: (lines, rnd) => {
    const depth = rnd.pick([100, 1000, 5000]);
    lines.push(`x-deep: ${'['.repeat(depth)}${']'.repeat(depth)}`);
    return `depth ${depth}`;
  },
  yamlDirective: (lines, rnd) => {
    lines.splice(
      0,
      0,
      rnd.pick(['%YAML 1.1', '%YAML 1.2\n---', '---', '--- !!map', '%TAG ! tag:x,2000:', '%FOO bar']),
    );
    return 'directive';
  },
  secondDocument: (lines, rnd) => {
    lines.push(rnd.pick(['---', '...', '---\nid: other']));
    return 'document';
  },
  tagged: (lines, rnd) =>
    replaceIn(
      lines,
      rnd,
      /(?<=: )(?=\S)/g,
      () =>
        `${rnd.pick(['!!str', '!!int', '!!map', '!!seq', '!!set', '!!omap', '!!timestamp', '!!js/function', '!local', '!<tag:x>'])} `,
    ) ?? 'none',
  truncate: (lines, rnd) => {
    const text = lines.join('\n');
    const cut = rnd.int(0, text.length);
    lines.splice(0, lines.length, ...text.slice(0, cut).split('\n'));
    return `at ${cut}`;
  },
  insertChar: (lines, rnd) => {
    const i = at(lines, rnd);
    const col = rnd.int(0, lines[i]?.length ?? 0);
    lines[i] =
      (lines[i] ?? '').slice(0, col) +
      rnd.pick([
        ':',
        '-',
        '#',
        '"',
        "'",
        '{',
        '}',
        '[',
        ']',
        ',',
        '&',
        '*',
        '!',
        '|',
        '>',
        '%',
        '@',
        '`',
        '?',
        ' ',
      ]) +
      (lines[i] ?? '').slice(col);
    return `line ${i + 1} col ${col}`;
  },
  deleteChar: (lines, rnd) => {
    const i = at(lines, rnd);
    const col = rnd.int(0, Math.max(0, (lines[i]?.length ?? 1) - 1));
    lines[i] = (lines[i] ?? '').slice(0, col) + (lines[i] ?? '').slice(col + 1);
    return `line ${i + 1} col ${col}`;
  },
  comment: (lines, rnd) => {
    const i = at(lines, rnd);
    lines[i] = rnd.chance(0.5) ? `# ${lines[i]}` : `${lines[i]} # note`;
    return `line ${i + 1}`;
  },
  prototypeKey: (lines, rnd) =>
    replaceIn(lines, rnd, /(?<=[{,] *)[\w-]+(?=: )|^\s+[\w-]+(?=:)/g, (m) =>
      m[0].replace(
        /[\w-]+$/,
        rnd.pick(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf']),
      ),
    ) ?? 'none',
  crlf: (lines) => {
    lines.forEach((l, i) => (lines[i] = `${l}\r`));
    return 'all lines';
  },
  emptyCollection: (lines, rnd) =>
    replaceIn(lines, rnd, /^(\w+):.*$/g, (m) => `${m[1]}: ${rnd.pick(['[]', '{}', 'null', '""'])}`) ?? 'none',
};

export const MUTATOR_NAMES = Object.keys(MUTATORS);

/** A mutated text and the list of what was done to it, for the failure message. */
export interface Mutation {
  text: string;
  steps: string[];
}

/** Applies 1–4 random mutations to a runbook's text. */
export function mutateRunbook(text: string, rnd: Random): Mutation {
  const lines = text.split('\n');
  const steps: string[] = [];
  const count = rnd.pick([1, 1, 1, 2, 2, 3, 4]);
  for (let n = 0; n < count; n++) {
    const name = rnd.pick(MUTATOR_NAMES);
    steps.push(`${name}(${MUTATORS[name](lines, rnd)})`);
  }
  return { text: lines.join('\n'), steps };
}
