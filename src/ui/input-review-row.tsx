import { Text } from 'ink';
import { shownValue, type InputSpec, type ReviewEntry } from './input-review-model.js';
import { sourceWord } from '../runbook/input-source.js';
import { tone } from './tone.js';

/** Column widths shared by every row, so values and sources line up. */
export interface RowLayout {
  name: number;
  value: number;
  source: number;
}

/** Widths for this terminal: names up to 24 columns, the source column as wide as its longest word. */
export function rowLayout(
  inputs: InputSpec[],
  entries: Record<string, ReviewEntry>,
  columns: number,
): RowLayout {
  const name = Math.min(24, Math.max(4, ...inputs.map((i) => i.name.length)));
  const source = Math.max(7, ...Object.values(entries).map((e) => sourceWord(e.source ?? '').length));
  // pointer (2) + mark (2) + name + space + value + space + source, one column spare for the edge.
  return { name, source, value: Math.max(8, columns - 4 - name - 1 - 1 - source - 1) };
}

function fit(text: string, width: number): string {
  const chars = [...text];
  return chars.length <= width
    ? text.padEnd(width + text.length - chars.length)
    : `${chars.slice(0, width - 1).join('')}…`;
}

/** One input on one line: pointer, a mark for a problem (✘) or read-only (·), name, value, source. */
export function InputRow({
  spec,
  entry,
  layout,
  selected,
  problem,
  locked,
}: {
  spec: InputSpec;
  entry: ReviewEntry;
  layout: RowLayout;
  selected: boolean;
  problem: boolean;
  locked: boolean;
}) {
  const mark = problem ? '✘ ' : locked ? '· ' : '  ';
  return (
    <Text wrap="truncate-end">
      <Text color={tone('cyan')}>{selected ? '› ' : '  '}</Text>
      <Text color={tone(problem ? 'red' : undefined)}>{mark}</Text>
      <Text bold={selected}>{fit(spec.name, layout.name)}</Text>{' '}
      <Text dimColor={entry.value === '' && !entry.opaque}>{fit(shownValue(spec, entry), layout.value)}</Text>{' '}
      <Text dimColor>{entry.source === undefined ? '' : sourceWord(entry.source)}</Text>
    </Text>
  );
}
