import { Box, Text } from 'ink';
import type { ViewState } from '../engine/view-state.js';
import { StepLine } from './step-line.js';
import { stepWindow } from './step-window.js';

/** The top-level steps with marks and durations, folded to `rows` lines around the current one. */
export function StepList({
  state,
  rows,
  tick,
  now,
}: {
  state: ViewState;
  rows: number;
  tick: number;
  now: number;
}) {
  const current = state.current
    ? state.order.indexOf(state.current)
    : state.order.findIndex((id) => state.steps[id]?.status === 'pending');
  const win = stepWindow(state.order.length, current < 0 ? state.order.length - 1 : current, rows);
  const shown = state.order.slice(win.start, win.end);
  return (
    <Box flexDirection="column">
      {win.before > 0 ? <Text dimColor>{`   … ${win.before} earlier step(s)`}</Text> : null}
      {shown.map((id) => (
        <StepLine key={id} step={state.steps[id]} current={id === state.current} tick={tick} now={now} />
      ))}
      {win.after > 0 ? <Text dimColor>{`   … ${win.after} more step(s)`}</Text> : null}
    </Box>
  );
}
