import { Box, Text } from 'ink';
import { whenText, type PolicyRow } from '../policy/policy-rows.js';
import { truncate } from './format.js';
import { tone } from './tone.js';

/** The rows around the selection, `limit` of them, and which one is selected. */
export interface PoliciesListProps {
  rows: PolicyRow[];
  selected: number;
  limit: number;
  now: Date;
  width: number;
}

const statusTone = (status?: string) =>
  status === 'success'
    ? 'green'
    : status === 'rolled_back'
      ? 'yellow'
      : status === 'failed'
        ? 'red'
        : undefined;

/** Scrolls so the selection stays in view, with the selection as low as a third of the way. */
export function windowStart(count: number, selected: number, limit: number): number {
  if (count <= limit) return 0;
  return Math.max(0, Math.min(selected - Math.floor(limit / 3), count - limit));
}

export function PoliciesList({ rows, selected, limit, now, width }: PoliciesListProps) {
  const start = windowStart(rows.length, selected, limit);
  const shown = rows.slice(start, start + limit);
  const pathWidth = Math.max(
    12,
    Math.min(40, width - 44, Math.max(...rows.map((r) => r.secret_path.length), 6)),
  );
  const line = (path: string, when: string, last: string, runbook: string) =>
    `${truncate(path, pathWidth).padEnd(pathWidth)}  ${when.padEnd(13)} ${last.padEnd(12)} ${runbook}`;
  return (
    <Box flexDirection="column">
      <Text dimColor wrap="truncate-end">{`  ${line('SECRET', 'WHEN', 'LAST', 'RUNBOOK')}`}</Text>
      {shown.map((row, i) => {
        const isSelected = start + i === selected;
        const when = whenText(row, now);
        return (
          <Text key={row.secret_path} wrap="truncate-end" bold={isSelected}>
            <Text color={tone('cyan')}>{isSelected ? '› ' : '  '}</Text>
            {truncate(row.secret_path, pathWidth).padEnd(pathWidth)}
            {'  '}
            <Text color={tone(row.due ? 'red' : undefined)}>{when.padEnd(13)}</Text>{' '}
            <Text color={tone(statusTone(row.last_status))}>{(row.last_status ?? 'never').padEnd(12)}</Text>{' '}
            {row.runbook}
          </Text>
        );
      })}
      {rows.length > limit ? (
        <Text dimColor>{`  ${start + 1}–${start + shown.length} of ${rows.length}`}</Text>
      ) : null}
      {rows[selected] ? (
        <Text dimColor wrap="truncate-end">{`  ${rows[selected].schedule} · ${rows[selected].reason}`}</Text>
      ) : null}
    </Box>
  );
}
