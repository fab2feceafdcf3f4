import { Box, Text } from 'ink';
import type { ViewState } from '../engine/view-state.js';
import { progressBar } from './format.js';
import { GroupGrid } from './group-grid.js';
import { lastLines } from './last-lines.js';

/** The current step's live detail in at most `rows` lines: progress, then its last output lines. */
export interface StepDetailProps {
  state: ViewState;
  stepId: string;
  width: number;
  rows: number;
  tick: number;
}

export function StepDetail({ state, stepId, width, rows, tick }: StepDetailProps) {
  const step = state.steps[stepId];
  if (!step) return null;
  if (step.children.length > 0 && step.status === 'running')
    return <GroupGrid state={state} group={step} width={width} rows={rows} tick={tick} />;
  const progress =
    step.progress && step.status === 'running'
      ? progressBar(step.progress.done, step.progress.total, 20, step.progress.label)
      : undefined;
  const lines = lastLines(state, stepId, Math.max(1, rows - (progress ? 1 : 0)));
  return (
    <Box flexDirection="column" paddingLeft={2}>
      {progress ? <Text wrap="truncate-end">{progress}</Text> : null}
      {lines.length === 0 && !progress ? <Text dimColor>│ waiting for output…</Text> : null}
      {lines.map((line, i) => (
        <Text key={i} wrap="truncate-end" dimColor>
          {`│ ${line}`}
        </Text>
      ))}
    </Box>
  );
}
