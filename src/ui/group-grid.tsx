import { Box, Text } from 'ink';
import type { StepView, ViewState } from '../engine/view-state.js';
import { progressBar, truncate } from './format.js';
import { cellLabel, countsLine, groupCounts } from './group-counts.js';
import { STATUS_COLOR, STATUS_MARK, isActive } from './marks.js';
import { spinnerFrame } from './spinner.js';
import { tone } from './tone.js';

/** A running parallel group in at most `rows` lines, whether it has 3 children or 1,000. */
export interface GroupGridProps {
  state: ViewState;
  group: StepView;
  width: number;
  rows: number;
  tick: number;
}

function cells(children: StepView[], cellWidth: number, tick: number) {
  return children.map((child) => (
    <Box key={child.id} width={cellWidth} flexShrink={0}>
      <Text wrap="truncate-end">
        <Text color={tone(STATUS_COLOR[child.status])}>
          {isActive(child.status) ? spinnerFrame(tick) : STATUS_MARK[child.status]}
        </Text>{' '}
        {truncate(cellLabel(child), cellWidth - 4)}
      </Text>
    </Box>
  ));
}

/**
 * Small groups show every child as a grid of marks. Large ones show a progress bar, the count
 * per status and only the children that are running or failed, so the live area keeps its
 * height however many children the group has.
 */
export function GroupGrid({ state, group, width, rows, tick }: GroupGridProps) {
  const { counts, active, children } = groupCounts(state, group);
  const longest = children.reduce((n, c) => Math.max(n, cellLabel(c).length), 0);
  const cellWidth = Math.min(24, Math.max(10, longest + 4));
  const perLine = Math.max(1, Math.floor((width - 2) / cellWidth));
  const done = group.progress?.done ?? counts.succeeded ?? 0;
  const lines = Math.max(1, rows - 2);
  const capacity = perLine * lines;
  // When even the active children overflow, the last line says how many were left out.
  const shown =
    children.length <= capacity
      ? children
      : active.length <= capacity
        ? active
        : active.slice(0, perLine * (lines - 1));
  const hidden = children.length <= capacity ? 0 : active.length - shown.length;
  const grid: StepView[][] = [];
  for (let i = 0; i < shown.length; i += perLine) grid.push(shown.slice(i, i + perLine));
  return (
    <Box flexDirection="column" paddingLeft={2}>
      <Text wrap="truncate-end">
        {progressBar(done, children.length, Math.min(30, Math.max(10, width - 30)), 'done')}
      </Text>
      <Text wrap="truncate-end">{countsLine(counts)}</Text>
      {grid.map((row, i) => (
        <Box key={i}>{cells(row, cellWidth, tick)}</Box>
      ))}
      {hidden > 0 ? <Text dimColor>{`… and ${hidden} more running or failed`}</Text> : null}
    </Box>
  );
}
